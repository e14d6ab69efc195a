"""Measure the engine on a big world (PostgreSQL) and with a real worker (Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interim_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/engine.py [--scale 10000]

It (re)creates the database named by DATABASE_URL, migrates, runs `seed_demo --scale N`,
then reports: the time and query count of send_review_reminders (a first run that records
everything due, then a second that finds nothing new), and the submit-to-flag latency of
flag_gap_drift through a real `celery worker` process.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interim.settings.local")
# E-mails are rendered and "sent" in memory: the console would print thousands.
os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"


def recreate_database(url):
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def measure_reminders():
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from assignments.tasks import send_review_reminders

    for label in ("first run", "second run"):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            found = send_review_reminders()
            elapsed = time.perf_counter() - started
        print(
            f"send_review_reminders, {label}: {elapsed * 1000:.0f} ms, "
            f"{len(ctx.captured_queries)} queries, {found}"
        )


def measure_latency(runs):
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

    log = ROOT / "var" / "bench-worker.log"
    log.parent.mkdir(exist_ok=True)
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
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"worker did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        latencies = []
        for n in range(runs):
            a = world.new(firm, client_org, f"Latency probe {n} {timezone.now():%H%M%S}")
            world.to_audit(a, manager)
            report = world.audit_report(a, manager)
            started = time.perf_counter()
            services.audit_report_submit(report=report, user=manager)
            while not Flag.objects.filter(assignment=a, kind="gap_drift").exists():
                if time.perf_counter() - started > 30:
                    sys.exit("no flag after 30 s")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
        ms = sorted(x * 1000 for x in latencies)
        print(
            f"submit-to-flag latency over {runs} submissions: "
            f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres") or not url.rsplit("/", 1)[-1].startswith("interim_bench"):
        sys.exit("DATABASE_URL must name a PostgreSQL database called interim_bench…")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        sys.exit("CELERY_BROKER_URL must be a redis:// URL")
    recreate_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = True  # keeps connection.queries for the counts
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", scale=args.scale, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"seed_demo --scale {args.scale}: {time.perf_counter() - started:.0f} s")
    measure_reminders()
    measure_latency(args.runs)


if __name__ == "__main__":
    main()
