"""The fixed cast: a director, a director of another firm, a manager on the assignment, a
manager not on it, a client contact, a contact of another client, and an admin."""

import os

import pytest
from django.core.cache import cache

from partners.models import ClientContact
from tests.factories import (
    AdminFactory,
    AssignmentFactory,
    ClientContactFactory,
    DirectorFactory,
    FirmFactory,
    ManagerFactory,
    Walker,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the password-reset limits count there)."""
    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _ci_uses_postgresql(django_db_setup, django_db_blocker):
    """Under CI=true the suite runs on PostgreSQL or fails: green on SQLite would be a lie."""
    from django.db import connection

    if IN_CI and connection.vendor != "postgresql":
        pytest.fail(
            f"CI=true but the tests run on {connection.vendor}: set DATABASE_URL to PostgreSQL."
        )


@pytest.fixture
def firm(db):
    return FirmFactory(name="Meridian")


@pytest.fixture
def other_firm(db):
    return FirmFactory(name="Northbridge")


@pytest.fixture
def director(firm):
    return DirectorFactory(firm=firm, user__full_name="Dana Director").user


@pytest.fixture
def other_director(other_firm):
    return DirectorFactory(firm=other_firm, user__full_name="Oscar Otherfirm").user


@pytest.fixture
def manager(firm):
    return ManagerFactory(firms=[firm], user__full_name="Maya Manager").user


@pytest.fixture
def other_manager(firm):
    return ManagerFactory(firms=[firm], user__full_name="Nils Notonit").user


@pytest.fixture
def assignment(firm, director):
    return AssignmentFactory(firm=firm, director=director)


@pytest.fixture
def client_contact(assignment):
    return assignment.client_contact


@pytest.fixture
def other_client_contact(db):
    return ClientContactFactory(user__full_name="Carla Otherclient").user


@pytest.fixture
def admin_user(db):
    return AdminFactory(full_name="Ada Admin")


@pytest.fixture
def walker(assignment, manager):
    return Walker(assignment, manager)


@pytest.fixture
def director_and_client(other_firm, assignment):
    """A director of another firm who is also a contact of the assignment's client."""
    user = DirectorFactory(firm=other_firm, user__full_name="Dora Twohats").user
    ClientContact.objects.create(user=user, organisation=assignment.client)
    return user


@pytest.fixture
def manager_and_client(firm, assignment):
    """A manager of the firm's pool, not on the assignment, also a contact of its client."""
    user = ManagerFactory(firms=[firm], user__full_name="Milo Twohats").user
    ClientContact.objects.create(user=user, organisation=assignment.client)
    return user


@pytest.fixture
def cast(
    director,
    other_director,
    manager,
    other_manager,
    client_contact,
    other_client_contact,
    admin_user,
    director_and_client,
    manager_and_client,
):
    return {
        "director_and_client": director_and_client,
        "manager_and_client": manager_and_client,
        "director": director,
        "other_director": other_director,
        "manager": manager,
        "other_manager": other_manager,
        "client": client_contact,
        "other_client": other_client_contact,
        "admin": admin_user,
    }
