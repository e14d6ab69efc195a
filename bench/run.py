"""`make bench`: the pages under load, their flatness with the world's size, the sweeps and
the submit-to-flag latency, in one run; the report in bench/results/ (and BENCHMARKS.md).

    .venv/bin/python bench/run.py [--update-benchmarks]
    .venv/bin/python bench/run.py --scale 300 --small 100 --large 400 --duration 3  # a try

BENCHMARKS.md says what is measured and what each budget means.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import engine  # noqa: E402


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000, help="assignments under load")
    parser.add_argument("--small", type=int, default=3_000, help="the small world's size")
    parser.add_argument("--large", type=int, default=13_000, help="the large world's size")
    parser.add_argument("--seed", type=int, default=1, help="first random seed (then +1, +2)")
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20, help="profiled requests per page")
    parser.add_argument("--latency-runs", type=int, default=10)
    parser.add_argument("--skip-flat", action="store_true", help="no profile of the large world")
    parser.add_argument("--update-benchmarks", action="store_true", help="rewrite BENCHMARKS.md")
    args = parser.parse_args()
    if not args.small <= args.scale <= args.large:
        parser.error("sizes must be --small ≤ --scale ≤ --large")
    return args


def main():
    args = arguments()
    started = time.perf_counter()
    loadavg = {"start": Path("/proc/loadavg").read_text().split()[:3]}
    toggles = engine.environment_set()
    if toggles:
        print("DJANGO_/INTERIM_ variables set:", ", ".join(f"{k}={v}" for k, v in toggles.items()))
    engine.recreate_database(os.environ["DATABASE_URL"])
    engine.redis_flush(os.environ["INTERIM_CACHE_URL"])
    engine.redis_flush(os.environ["CELERY_BROKER_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    from bench import load, pages, report

    logs = Path(tempfile.mkdtemp(prefix="interim-bench-"))
    print(f"logs in {logs}", flush=True)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    seed_seconds = {}

    def grow(to, seed_value):
        label = f"to {to:,} (seed {seed_value})"
        print(f"seed_demo {label}…", flush=True)
        seed_seconds[label] = engine.seed(to - grow.size, seed_value)
        grow.size = to

    grow.size = 0
    grow(args.small, args.seed)
    page_list = pages.pages()
    print(f"profile at {args.small:,}:", flush=True)
    profile_small = pages.profile_all(page_list, args.requests)
    print(f"sweeps at {args.small:,} (on a copy):", flush=True)
    sweeps_small = engine.sweeps_on_copy()
    # Kept to be profiled again at the end, right after the large world, in the same
    # conditions: the flatness compares the two, not an early run with a late one.
    small_copy = None if args.skip_flat else engine.database_copy("small")

    grow(args.scale, args.seed + 1)
    print(f"sweeps at {args.scale:,}:", flush=True)
    sweeps = engine.sweeps_time()
    for row in sweeps:
        print(
            f"  {row['task']:24} run {row['run']}: {row['ms']:7.0f} ms {row['queries']:5} q "
            f"{row['emails']:5} e-mails  {row['result']}",
            flush=True,
        )

    print(f"load at {args.scale:,} ({args.connections} connections):", flush=True)
    from django.conf import settings

    cookies = {}
    for email in {p.email for p in page_list}:
        session = pages.signed_in(email).cookies[settings.SESSION_COOKIE_NAME].value
        cookies[email] = f"{settings.SESSION_COOKIE_NAME}={session}"
    results_load = load.load_all(
        page_list,
        cookies,
        duration=args.duration,
        connections=args.connections,
        warmup=args.warmup,
        logs=logs,
    )

    loadavg["after the load"] = Path("/proc/loadavg").read_text().split()[:3]
    print(f"submit → flag, {args.latency_runs} runs:", flush=True)
    latency, drain = engine.submit_to_flag(args.latency_runs, logs / "worker.log")
    print(
        f"  the sweeps' {drain['emails']:,} e-mails sent by the worker first, in "
        f"{drain['seconds']:.1f} s",
        flush=True,
    )
    print("  " + ", ".join(f"{x:.0f}" for x in latency) + " ms", flush=True)

    if args.skip_flat:
        profile_large = profile_small
    else:
        grow(args.large, args.seed + 2)
        print(f"profile at {args.large:,}:", flush=True)
        profile_large = pages.profile_all(page_list, args.requests)
        print(f"profile at {args.small:,} again (its copy), just after:", flush=True)
        try:
            with engine.using_database(small_copy):
                profile_small = pages.profile_all(page_list, args.requests)
        finally:
            engine.database_drop(small_copy)

    r = {
        "args": vars(args) | {"large": args.small if args.skip_flat else args.large},
        "labels": {p.key: p.label for p in page_list},
        "profile_small": profile_small,
        "profile_large": profile_large,
        "sweeps": sweeps,
        "sweeps_small": sweeps_small,
        "load": results_load,
        "latency": latency,
        "drain": drain,
        "toggles": toggles,
        "seed_seconds": seed_seconds,
        "loadavg": loadavg,
        "machine": report.machine(),
        "commit": report.commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": time.perf_counter() - started,
    }
    text = report.markdown(r)
    path = report.result_path(r)
    path.write_text(f"# Benchmark {r['commit']}\n\n{text}")
    print()
    print(text)
    print(f"written to {path.relative_to(ROOT)}")
    if args.update_benchmarks:
        report.benchmarks_write(text)
        print("BENCHMARKS.md updated")
    bad = [k for k, x in results_load.items() if x["not_ok"] or x["socket_errors"]]
    if bad:
        sys.exit(f"answers other than 200 under load: {', '.join(bad)}")


if __name__ == "__main__":
    main()
