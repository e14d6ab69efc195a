"""What the hardening tests need from the machine: PostgreSQL (row locks and concurrent
connections), Redis and redis-server. Under CI=true a missing one fails the run; elsewhere
the test is skipped, saying why."""

import pytest
from django.db import connection

from tests.conftest import IN_CI


def unavailable(reason):
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


@pytest.fixture
def on_postgresql(transactional_db):
    """The test database, on PostgreSQL: SQLite serialises every writer, so two connections
    never race there and the row locks these tests are about do not exist."""
    if connection.vendor != "postgresql":
        unavailable(f"needs PostgreSQL (the tests run on {connection.vendor}: set DATABASE_URL)")
