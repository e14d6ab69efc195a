"""Faults the app must ride out: the broker down while people act, the database
unreachable, Redis restarted under the web.

The Redis test needs redis-server and redis-cli (see machine.py and
tests/engine/test_worker.py); under CI=true a missing one fails the run."""

import shutil
import subprocess
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection

from assignments import services
from assignments.constants import State
from assignments.models import Assignment, Notification
from assignments.services import background
from assignments.tasks import send_pending_emails
from tests.engine.test_worker import CLOSED_PORT_URL, broker

from .machine import on_postgresql, unavailable  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
CRITICAL = {"objectives": ("Found about objectives.", 3)}


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


# --- The broker down while people act ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_events_succeed_and_are_emailed_once_it_is_back(walker):
    walker.to_selection()
    before = Notification.objects.count()
    slowest = 0.0
    with broker(CLOSED_PORT_URL):
        chosen, took = timed(lambda: walker.ready_candidacy(present=True))  # the client is told
        slowest = max(slowest, took)
        _, took = timed(
            lambda: services.assignment_select_manager(
                assignment=walker.a, user=walker.client, candidacy=chosen
            )
        )
        slowest = max(slowest, took)
        report, took = timed(walker.submitted_report)  # the drift task is not published
        slowest = max(slowest, took)
        _, took = timed(
            lambda: services.audit_report_return(
                report=report, user=walker.director, comment="Quantify the resources gap."
            )
        )
        slowest = max(slowest, took)
    walker.a.refresh_from_db()
    assert walker.a.state == State.AUDIT
    new = Notification.objects.count() - before
    kinds = set(Notification.objects.values_list("kind", flat=True)[before:])
    count = Notification.objects.filter(emailed_at__isnull=True).count()
    assert new >= 3 and count == Notification.objects.count()
    assert mail.outbox == []
    assert slowest < 2.5, f"a down broker held an action for {slowest:.1f} s"

    # The broker is back: the periodic e-mail sweep sends each notification once.
    assert send_pending_emails() == {"emailed": count}
    assert send_pending_emails() == {"emailed": 0}
    sent = Counter((tuple(m.to), m.subject) for m in mail.outbox)
    assert len(mail.outbox) == count and max(sent.values()) == 1
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    print(
        f"broker down: {new} notifications recorded ({sorted(kinds)}), "
        f"slowest action {slowest:.2f} s; "
        f"then {len(mail.outbox)} e-mails, each once"
    )


# --- The database unreachable ------------------------------------------------------------


@contextmanager
def unreachable_database():
    """Point the connection at a database that does not answer (PostgreSQL: a closed port;
    SQLite: a file that cannot be opened), keeping the real one aside for afterwards."""
    saved, real = dict(connection.settings_dict), connection.connection
    connection.connection = None
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    else:
        connection.settings_dict["NAME"] = "/nonexistent/interim/db.sqlite3"
    try:
        yield
    finally:
        if connection.connection is not None:
            connection.connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        connection.connection, connection.errors_occurred = real, False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unreachable_database_answers_a_503_page_without_a_traceback(
    client, assignment, director, method
):
    client.force_login(director)
    page = f"/assignments/{assignment.pk}/"
    address = page if method == "get" else f"{page}transition/cancel/"
    with unreachable_database():
        response = getattr(client, method)(
            address, {"reason": "Budget cut."} if method == "post" else {}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "briefly unavailable" in text and "Nothing you submitted was saved" in text
    for leak in ("Traceback", "OperationalError", settings.SECRET_KEY, "settings"):
        assert leak not in text
    # The database back: the same session answers, and nothing was changed meanwhile.
    assert client.get(page).status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).state == State.BRIEF


def test_the_503_page_is_wired_in_the_middleware():
    assert "interim.dberrors.DatabaseUnavailableMiddleware" in settings.MIDDLEWARE


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


# --- Redis restarted while the web serves -----------------------------------------------

SCRATCH_PORT = 6391


def redis_server(*args):
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(SCRATCH_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def redis_shutdown():
    subprocess.run(
        ["redis-cli", "-p", str(SCRATCH_PORT), "shutdown", "nosave"], capture_output=True
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_web_keeps_answering_while_its_redis_restarts(client, walker, settings):
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        unavailable("redis-server and redis-cli are not installed")
    # As in the real stack, Redis is the broker and the cache (sessions in front of the
    # database, dashboards, unread counts); the sessions survive the cache going away.
    assert settings.SESSION_ENGINE == "interim.sessions"
    url = f"redis://127.0.0.1:{SCRATCH_PORT}/0"
    scratch = redis.Redis.from_url(url, socket_connect_timeout=1)
    a = walker.walk_to("in_progress")
    page = f"/assignments/{a.pk}/"
    redis_server()
    try:
        wait_until(lambda: _answers(scratch), timeout=10)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{SCRATCH_PORT}/1",
            }
        }
        client.force_login(walker.director)
        assert client.get("/").status_code == 200  # the dashboard cached there
        assert any(k.startswith(b":1:interim:dashboard:") for k in _keys(SCRATCH_PORT, 1))
        with broker(url):
            assert client.get(page).status_code == 200
            assert background.enqueue("send_pending_emails") is True
            queued = scratch.llen("celery")
            assert queued >= 1

            redis_shutdown()
            wait_until(lambda: not _answers(scratch), timeout=10)
            timings = []
            for address in ("/", "/assignments/", page, "/notifications/"):
                response, took = timed(lambda address=address: client.get(address))
                assert response.status_code == 200, address
                timings.append(took)
            response, took = timed(
                lambda: client.post(
                    f"{page}transition/start_realignment/", {"reason": "Resources missing."}
                )
            )
            timings.append(took)
            assert response.status_code == 302
            assert Assignment.objects.get(pk=a.pk).state == State.REALIGNMENT

            redis_server()
            wait_until(lambda: _answers(scratch), timeout=10)
            assert background.enqueue("send_pending_emails") is True
            assert scratch.llen("celery") == 1  # nothing kept from before the restart
    finally:
        redis_shutdown()
    print(
        f"Redis (broker and cache) down: 4 pages and 1 transition answered, slowest "
        f"{max(timings):.2f} s; "
        f"{queued} task(s) queued before, publishing works again after the restart"
    )
    assert max(timings) < 2.5


def _keys(port, db):
    return redis.Redis(port=port, db=db, socket_connect_timeout=1).keys("*")


def _answers(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False
