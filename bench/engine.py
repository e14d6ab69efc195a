"""The engine at scale: the database, a real Celery worker on Redis, submit-to-flag latency.

`bench/run.py` (`make bench`) imports these; run alone, this file measures only the engine:

    .venv/bin/python bench/engine.py [--scale 10000] [--runs 10]

It (re)creates the database named by DATABASE_URL (default: interim_bench on the local
PostgreSQL), migrates, runs `seed_demo --scale N`, times every periodic sweep twice, then
the submit-to-flag latency of flag_gap_drift through a real `celery worker` process.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The benchmark's own database, cache and broker: recreated and flushed without asking.
ENVIRONMENT = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/interim_bench",
    "INTERIM_CACHE_URL": "redis://127.0.0.1:6379/10",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
    "DJANGO_SETTINGS_MODULE": "bench.settings",
}


def environment_set():
    """Set the benchmark's environment; return the DJANGO_/INTERIM_ toggles set before."""
    toggles = {
        k: v
        for k, v in sorted(os.environ.items())
        if k.startswith(("DJANGO_", "INTERIM_")) and k not in ENVIRONMENT
    }
    for key, value in ENVIRONMENT.items():
        os.environ[key] = os.environ.get(f"BENCH_{key}", value)
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres") or not url.rsplit("/", 1)[-1].startswith("interim_bench"):
        sys.exit("the benchmark's database must be a PostgreSQL one called interim_bench…")
    for key in ("INTERIM_CACHE_URL", "CELERY_BROKER_URL"):
        if not os.environ[key].startswith("redis://"):
            sys.exit(f"{key} must be a redis:// URL")
    return toggles


def recreate_database(url):
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        cur.execute(drop.format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def redis_flush(url):
    """Empty one Redis database (the benchmark's cache or broker)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def analyze():
    """Fresh planner statistics and visibility map after a bulk load, as autovacuum would
    give them later."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def seed(scale, seed_value):
    """`seed_demo --scale N --seed S`, then ANALYZE; returns the seconds taken."""
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", scale=scale, seed=seed_value, stdout=quiet)
    analyze()
    return time.perf_counter() - started


class QueryCount:
    """Counts the statements sent on the default connection inside the block. Unlike
    CaptureQueriesContext it has no ceiling (Django's query log keeps the last 9,000)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapped.__exit__(*exc)


def stop(process, timeout=20):
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def celery_worker(log):
    """A real `celery worker` (solo pool) on the configured broker, until the block ends."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "interim",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield worker
    finally:
        stop(worker)


def sweeps_time():
    """Every periodic task (tasks.PERIODIC, in run_sweeps' order) called in this process,
    all once and then all again: per task and run, the wall time, queries and e-mails."""
    from django.core import mail

    from assignments.tasks import PERIODIC

    mail.outbox = []
    rows = []
    for run in (1, 2):
        for task in PERIODIC:
            before = len(mail.outbox)
            with QueryCount() as count:
                started = time.perf_counter()
                found = task()
                elapsed = time.perf_counter() - started
            rows.append(
                {
                    "task": task.name.rsplit(".", 1)[-1],
                    "run": run,
                    "ms": elapsed * 1000,
                    "queries": count.n,
                    "emails": len(mail.outbox) - before,
                    "result": dict(found) if isinstance(found, dict) else found,
                }
            )
    return rows


def backlog_drain(log):
    """With the worker running: the e-mails the sweeps recorded (thousands on the first
    sweep of a large world) sent by the worker's own bounded runs, each queuing the next;
    how many and how long until none is due."""
    from assignments.models import Notification
    from assignments.services.background import enqueue
    from assignments.services.notifications import emails_waiting

    before = Notification.objects.filter(emailed_at__isnull=False).count()
    started = time.perf_counter()
    enqueue("send_pending_emails")
    while emails_waiting():
        if time.perf_counter() - started > 600:
            raise RuntimeError(f"e-mails still due after 600 s:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    sent = Notification.objects.filter(emailed_at__isnull=False).count() - before
    return {"emails": sent, "seconds": time.perf_counter() - started}


def _admin_connection():
    import psycopg2

    base, _name = os.environ["DATABASE_URL"].rsplit("/", 1)
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    return admin


def database_copy(suffix):
    """A copy of the benchmark's database as it is now (CREATE DATABASE … TEMPLATE),
    named after it with `suffix`; returns its name."""
    from django.db import connection
    from psycopg2 import sql

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    copy = f"{name}_{suffix}"
    database_drop(copy)
    connection.close()  # a template may have no other session
    admin = _admin_connection()
    with admin.cursor() as cur:
        cur.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(copy), sql.Identifier(name)
            )
        )
    admin.close()
    return copy


def database_drop(name):
    from psycopg2 import sql

    admin = _admin_connection()
    with admin.cursor() as cur:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        cur.execute(drop.format(sql.Identifier(name)))
    admin.close()


@contextlib.contextmanager
def using_database(name):
    """This process's queries go to database `name` (a copy) until the block ends; the cache
    is emptied on the way in and out, since the copies share their firms' versions."""
    from django.core.cache import cache
    from django.db import connection

    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    cache.clear()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        cache.clear()


def sweeps_on_copy():
    """`sweeps_time` on a copy of the database as it is now, the world itself left as it
    was for the sweeps at the next size."""
    copy = database_copy("sweeps")
    try:
        with using_database(copy):
            return sweeps_time()
    finally:
        database_drop(copy)


def submit_to_flag(runs, log):
    """Submit an audit report through the service, with a real worker on the broker; the
    milliseconds until its gap_drift flag is in the database, for each of `runs` reports,
    once the worker has sent the sweeps' backlog of e-mails (how many, and how long it took,
    is returned with them)."""
    from django.utils import timezone

    from assignments import services
    from assignments.demo.world import World
    from assignments.models import Flag
    from partners.models import ProviderFirm, User

    u = {x.email: x for x in User.objects.filter(email__endswith="@demo.test")}
    firm = ProviderFirm.objects.get(name="Meridian Interim")
    client_org = u["client@demo.test"].client_profile.organisation
    world = World(director=u["director@demo.test"], client=u["client@demo.test"])
    manager = u["manager@demo.test"]

    # What the sweeps enqueued with no worker running would be consumed first.
    redis_flush(os.environ["CELERY_BROKER_URL"])
    latencies = []
    with celery_worker(log):
        drain = backlog_drain(log)
        for n in range(runs):
            a = world.new(firm, client_org, f"Latency probe {n} {timezone.now():%H%M%S}")
            world.to_audit(a, manager)
            report = world.audit_report(a, manager)
            started = time.perf_counter()
            services.audit_report_submit(report=report, user=manager)
            while not Flag.objects.filter(assignment=a, kind="gap_drift").exists():
                if time.perf_counter() - started > 30:
                    raise RuntimeError(f"no flag after 30 s:\n{log.read_text()[-2000:]}")
                time.sleep(0.005)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies, drain


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    environment_set()
    recreate_database(os.environ["DATABASE_URL"])
    redis_flush(os.environ["INTERIM_CACHE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"seed_demo --scale {args.scale}: {seed(args.scale, 1):.0f} s")
    for row in sweeps_time():
        print(
            f"{row['task']}, run {row['run']}: {row['ms']:.0f} ms, {row['queries']} queries, "
            f"{row['emails']} e-mails, {row['result']}"
        )
    latencies, _drain = submit_to_flag(args.runs, ROOT / "var" / "bench" / "worker.log")
    ms = sorted(latencies)
    print(
        f"submit-to-flag latency over {args.runs} submissions: "
        f"median {ms[len(ms) // 2]:.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
