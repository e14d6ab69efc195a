import os

import pytest
from hypothesis import HealthCheck, settings

from tests.conftest import IN_CI


@pytest.fixture
def postgresql(transactional_db):
    """Each thread on its own connection sees committed rows and PostgreSQL's row locks:
    without PostgreSQL the test is skipped locally and fails under CI."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = f"needs PostgreSQL, the tests run on {connection.vendor}: set DATABASE_URL."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


# Hypothesis profiles for the property tests: `ci` (CI=true) runs 200 examples per endpoint
# family, always the same ones (the file takes a few minutes on PostgreSQL); `dev` 25 random
# ones per family for a quick local loop. HYPOTHESIS_PROFILE chooses one explicitly.
COMMON = {
    "deadline": None,
    "database": None,  # nothing written into the working tree; a failure prints its example
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=200, derandomize=True, **COMMON)
settings.register_profile("dev", max_examples=25, **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))
