"""A real Celery worker (its own process) on real Redis: submit an audit report through
the service and see the drift flag appear; submit with the broker down, then catch up.

Needs Redis (CELERY_BROKER_URL if it is a redis:// URL, else db 5 on 127.0.0.1) and
PostgreSQL (the worker process reads the test database). Under CI=true a missing Redis
fails the run; elsewhere these tests are skipped, saying why.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from django.db import connection

from assignments.drift import DIMENSIONS
from assignments.models import DriftReading, Flag, Notification
from assignments.services import background
from assignments.tasks import catch_up_drift, flag_gap_drift
from interim.celery import app
from tests.conftest import IN_CI

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT_URL = "redis://127.0.0.1:1/5"
CRITICAL = {d: (f"Found about {d}.", 3 if d == "resources" else 1) for d in DIMENSIONS}


def redis_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    return url if url.startswith("redis://") else "redis://127.0.0.1:6379/5"


def unavailable(reason):
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def reset_producer_pools():
    # kombu keeps its pools per connection URL: dropping the app's references is enough.
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def broker(url):
    """Point this process's Celery app at `url` (the test settings use memory://). Celery
    reads CELERY_BROKER_URL from the environment before its configuration, so that too."""
    saved = app.conf.broker_url, app.conf.broker_transport_options
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"socket_connect_timeout": 2}
    reset_producer_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        reset_producer_pools()


def database_url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """A `celery worker` process on Redis, reading the test database."""
    url = redis_url()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at {url} ({exc})")
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            unavailable("the worker process needs the test database on PostgreSQL")
        db_url = database_url()
    client.flushdb()  # this database is the engine tests' own: no stale tasks
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "interim.settings.test",
        "DATABASE_URL": db_url,
        "INTERIM_TEST_BROKER_URL": url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "interim", "worker", "--pool=solo"]
    command += ["--without-mingle", "--without-gossip", "--loglevel=INFO", "-n", "engine-test@%h"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        with broker(url):
            yield {"client": client, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, timeout=30):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def settled(worker):
    """Nothing waiting, nothing being worked on: the queue and the unacked set are empty
    and every task the worker received has finished. (The queue alone is not enough: a
    message just popped by the worker is briefly in neither list.)"""
    client, text = worker["client"], worker["log"].read_text()
    finished = sum(
        text.count(end) for end in ("] succeeded in", "] raised unexpected", "] retry:")
    )
    return (
        client.llen("celery") == 0
        and client.hlen("unacked") == 0
        and finished >= text.count("] received")
    )


@pytest.fixture
def idle_worker(worker):
    """The worker, left idle at the end of the test, before the test database is emptied:
    a task still running would hold locks against the flush."""
    yield worker
    wait_for(lambda: settled(worker))


@pytest.fixture
def auditing(walker):
    return walker.walk_to("audit")


def test_submitting_an_audit_raises_the_drift_flag_through_the_worker(
    idle_worker, auditing, walker
):
    worker = idle_worker
    report = walker.submitted_report(CRITICAL)  # on_commit publishes to Redis
    flags = Flag.objects.filter(assignment=auditing, kind=Flag.Kind.GAP_DRIFT)
    latency = wait_for(flags.exists)
    print(f"submit-to-flag latency: {latency * 1000:.0f} ms")
    wait_for(lambda: settled(worker))
    auditing.refresh_from_db()
    assert auditing.gap_drift == DriftReading.objects.get(audit_report=report).score == 44
    assert Notification.objects.filter(recipient=auditing.director).count() == 1
    # The drift task handed the e-mail to the e-mail task, which the worker ran too.
    wait_for(Notification.objects.filter(emailed_at__isnull=False).exists)
    assert "assignments.tasks.send_pending_emails" in worker["log"].read_text()
    # A redelivery (or a second publish) changes nothing.
    flag_gap_drift.delay(report.pk)
    wait_for(lambda: settled(worker))
    assert flags.count() == 1 and Notification.objects.count() == 1


def test_with_the_broker_down_submission_succeeds_and_the_sweep_catches_up(
    idle_worker, auditing, walker
):
    worker = idle_worker
    with broker(CLOSED_PORT_URL):
        started = time.monotonic()
        report = walker.submitted_report(CRITICAL)
        elapsed = time.monotonic() - started
    assert report.status == "submitted"
    assert elapsed < 2, f"a down broker held the submission for {elapsed:.1f} s"
    time.sleep(0.5)
    assert not DriftReading.objects.exists() and not Flag.objects.exists()

    catch_up_drift.delay()  # what beat sends every few minutes
    wait_for(Flag.objects.exists)
    catch_up_drift.delay()
    flag_gap_drift.delay(report.pk)
    wait_for(lambda: settled(worker))
    assert Flag.objects.filter(kind=Flag.Kind.GAP_DRIFT).count() == 1
    assert Notification.objects.count() == 1


def test_a_down_broker_fails_fast_and_is_caught():
    """No worker needed: a refused connection costs well under a second."""
    with broker(CLOSED_PORT_URL):
        started = time.monotonic()
        assert background.enqueue("flag_gap_drift", 123) is False
        assert time.monotonic() - started < 1
