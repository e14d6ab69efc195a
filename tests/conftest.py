"""The fixed cast: a director, a director of another firm, a manager on the assignment, a
manager not on it, a client contact, a contact of another client, and an admin."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.signals import got_request_exception
from zeal import NPlusOneError, zeal_context
from zeal.listeners import NPlusOneListener, _nplusone_context
from zeal.util import get_stack

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


def pytest_sessionstart(session):
    """Compile the catalogues whose .mo is missing or older than the .po (it is not kept in
    git), so that a bare `pytest` reads the French a `make test` would."""
    locale = Path(__file__).resolve().parent.parent / "locale"
    for po in locale.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


TESTS = os.path.dirname(os.path.abspath(__file__)) + os.sep
# The demo world walks each assignment through the services one step at a time, as people
# would (seed_demo, the Walker): its loops are the script, not an N+1 to fix.
DEMO = os.path.join(os.path.dirname(TESTS.rstrip(os.sep)), "assignments", "demo")
WORLD = {os.path.join(DEMO, "world.py"), os.path.join(DEMO, "closed.py")}


# Frames that only carry out a load: the ORM's and zeal's own.
ORM = (os.path.join("django", "db", ""), os.path.join("site-packages", "zeal", ""))


def _entry():
    """The frame by which the test called the code under test (the application, a factory,
    the test client), or None when the load is made by test code itself, or in a thread no
    test code runs in (the live server's)."""
    frame, inner, beyond_orm = sys._getframe(2), None, False
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(TESTS):
            return inner if beyond_orm else None
        beyond_orm = beyond_orm or not any(part in filename for part in ORM)
        inner, frame = frame, frame.f_back
    return None


def _notify_by_call_path(self, model, field, instance_key):
    """django-zeal 2.3.0's notify, counting a load by its whole call path and by the call
    from the test that led to it, instead of by the line alone. A test calls services and
    pages many times, each call loading a row once: that is no N+1, any more than two
    requests are; a loop inside one call is, as is a loop over relations in test code."""
    context = _nplusone_context.get()
    if not context.enabled:
        return
    path = get_stack()[1:]  # this function's own frame left out
    if any(filename in WORLD for filename, _, _ in path):
        return
    # The entry frame is kept alive by the key, so its id is never reused within a test.
    calls = context.calls[(model, field, _entry(), *path)]
    calls.append(path)
    threshold = getattr(settings, "ZEAL_NPLUSONE_THRESHOLD", 2)
    if (
        len(calls) >= threshold
        and instance_key not in context.ignored
        and (model, field) not in context._allowlisted_keys
    ):
        self._alert(model, field, f"N+1 detected on {model._meta.label}.{field}", calls)


NPlusOneListener.notify = _notify_by_call_path


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the password-reset limits count there)."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _no_nplusone():
    """Each test fails on an N+1: a relation or deferred field loaded lazily, one query per
    row, from the same line. The test's own thread is watched here; each request has its
    own count (the middleware in the test settings). A live server answers an N+1 with a
    500 in its own thread, which the page may not show: it is collected and fails the test."""
    elsewhere = []
    test_thread = threading.get_ident()

    def collect(sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        if isinstance(error, NPlusOneError) and threading.get_ident() != test_thread:
            elsewhere.append(f"{request.path if request else '?'}: {error}")

    got_request_exception.connect(collect, dispatch_uid="tests-nplusone")
    try:
        with zeal_context():
            yield elsewhere
    finally:
        got_request_exception.disconnect(dispatch_uid="tests-nplusone")
    if elsewhere:
        pytest.fail("N+1 in a live-server request:\n" + "\n".join(elsewhere))


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
