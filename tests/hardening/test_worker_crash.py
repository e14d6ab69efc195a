"""A worker killed with SIGKILL in the middle of the e-mail task, on real Redis and
PostgreSQL: the task is not acknowledged (acks_late), the next worker takes it back and
runs it once; every e-mail goes out, none twice."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from assignments.models import Notification
from assignments.tasks import send_pending_emails
from tests.engine.test_worker import broker, database_url, redis_url

from .machine import on_postgresql, unavailable  # noqa: F401 (the fixture, by name)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


def start_worker(log, env):
    command = [sys.executable, "-m", "celery", "-A", "interim", "worker", "--pool=solo"]
    command += ["--without-mingle", "--without-gossip", "--loglevel=INFO", "-n", f"{log.stem}@%h"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


@pytest.mark.usefixtures("on_postgresql")
def test_a_worker_killed_mid_batch_is_replaced_and_nothing_is_sent_twice(director, tmp_path):
    url = redis_url().rsplit("/", 1)[0] + "/8"  # a Redis database of this test's own
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"no Redis at {url} ({exc})")
    client.flushdb()
    Notification.objects.bulk_create(
        Notification(recipient=director, key=f"crash:{i}", subject=f"Message {i}", body="Body")
        for i in range(4)
    )
    mail_log = tmp_path / "mail.log"
    mail_log.touch()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.hardening.worker_settings",
        "DATABASE_URL": database_url(),
        "INTERIM_TEST_BROKER_URL": url,
        "INTERIM_TEST_MAIL_LOG": str(mail_log),
        "INTERIM_TEST_MAIL_DELAY": "0.5",
        "PYTHONUNBUFFERED": "1",
    }
    first = start_worker(tmp_path / "first.log", env)
    second = None
    second_log = tmp_path / "second.log"
    try:
        with broker(url):
            send_pending_emails.delay()
        wait_until(lambda: mail_log.read_text().count("\n") >= 1)
        os.kill(first.pid, signal.SIGKILL)  # while the first e-mail of the batch goes out
        first.wait(timeout=10)
        sent_by_first = mail_log.read_text().count("\n")
        assert client.hlen("unacked") == 1  # acks_late: the task was not acknowledged
        time.sleep(1.5)  # past the visibility timeout and the e-mail lease
        second = start_worker(second_log, env)
        wait_until(lambda: "] succeeded in" in second_log.read_text())
        wait_until(lambda: client.hlen("unacked") == 0 and client.llen("celery") == 0)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
    lines = mail_log.read_text().splitlines()
    assert second_log.read_text().count("] received") == 1
    assert max(Counter(lines).values()) == 1, f"an e-mail was sent twice: {lines}"
    assert len(lines) == 4, lines  # the killed worker lost none: it was killed after a send
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    print(
        f"\nworker killed after {sent_by_first} of 4 e-mails; the next worker took the task "
        f"back and ran it once; {len(lines)} sent in all, none twice"
    )
