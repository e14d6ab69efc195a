"""The API's tests use the web's world (an assignment in progress with one of everything)."""

import pytest
from rest_framework.test import APIClient

from tests.web.conftest import world  # noqa: F401  (the fixture, shared with the web tests)


@pytest.fixture
def api():
    """A DRF client; `api.force_authenticate(user)` speaks as someone."""
    return APIClient()


@pytest.fixture
def as_(api, cast):
    """The JSON of a GET by one party of the cast: `as_("client", url)`, status asserted."""

    def get(role, url, expect=200, **query):
        api.force_authenticate(cast[role])
        response = api.get(url, query)
        assert response.status_code == expect, (role, url, response.content[:300])
        return response.json()

    return get
