"""The results as Markdown: tables, budgets, machine and commit; BENCHMARKS.md."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime

from bench.engine import ROOT

# The budgets, as BENCHMARKS.md explains them.
DASHBOARD_OF_FLOOR = 0.10
TIMES_ADMIN = 2.0
DASHBOARD_P99_MS = 150.0
FLAT_TIME_RATIO = 1.5
FLAT_TIME_SLACK_MS = 2.0
SWEEP_MS = 2000.0
SWEEP_QUERY_SLACK = 10
SUBMIT_TO_FLAG_MS = 1000.0
OVER_ADMIN = ("dashboard", "list", "assignment", "manager", "client")


def _run(*command):
    # git and wrk from PATH, as the Makefile finds them.
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout  # noqa: S603


def commit():
    head = _run("git", "rev-parse", "--short", "HEAD").strip()
    status = _run("git", "status", "--porcelain").splitlines()
    # The benchmark's own files (copied into an older commit to measure it, with a link to
    # the venv) and its record, BENCHMARKS.md, are not the code measured.
    changed = [
        line
        for line in status
        if not line[3:].startswith(("bench/", "BENCHMARKS.md")) and line != "?? .venv"
    ]
    return head + ("+dirty" if changed else "")


def machine():
    from django.db import connection

    with open("/proc/cpuinfo") as f:
        models = re.findall(r"^model name\s*:\s*(.+)$", f.read(), re.M)
    with open("/proc/meminfo") as f:
        kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = _run("wrk", "-v").split(" [")[0]
    return {
        "cpus": os.cpu_count(),
        "cpu": models[0] if models else platform.processor(),
        "ram": f"{kb / 1024 / 1024:.1f} GiB",
        "postgres": postgres,
        "python": platform.python_version(),
        "wrk": wrk,
    }


def _check(ok):
    return "PASS" if ok else "FAIL"


def budgets(r):
    """[(budget, figure, PASS/FAIL)]."""
    load, out = r["load"], []
    floor, admin = load["floor"]["rps"], load["admin"]["rps"]
    dash = load["dashboard"]
    out.append(
        (
            f"director dashboard ≥ {DASHBOARD_OF_FLOOR:.0%} of the floor's req/s",
            f"{dash['rps'] / floor:.1%}",
            _check(dash["rps"] >= DASHBOARD_OF_FLOOR * floor),
        )
    )
    for key in OVER_ADMIN:
        x = load[key]["rps"] / admin
        budget = f"{r['labels'][key]} ≥ {TIMES_ADMIN:g}× admin changelist"
        out.append((budget, f"{x:.2f}×", _check(x >= TIMES_ADMIN)))
    out.append(
        (
            f"director dashboard p99 ≤ {DASHBOARD_P99_MS:g} ms at {r['args']['connections']}"
            " connections",
            f"{dash['p99']:.0f} ms",
            _check(dash["p99"] <= DASHBOARD_P99_MS),
        )
    )
    small, large = r["profile_small"], r["profile_large"]
    for key, label in r["labels"].items():
        notes, ok = [], True
        for mode in ("cold", "warm"):
            a, b = small[key][mode], large[key][mode]
            if b["queries"] != a["queries"]:
                ok = False
            if b["ms"] > FLAT_TIME_RATIO * a["ms"] + FLAT_TIME_SLACK_MS:
                ok = False
            notes.append(
                f"{mode} {a['queries']:g}→{b['queries']:g} q, {a['ms']:.1f}→{b['ms']:.1f} ms"
            )
        out.append(
            (
                f"{label}: flat from {r['args']['small']:,} to {r['args']['large']:,}",
                "; ".join(notes),
                _check(ok),
            )
        )
    by_task, small = {}, {}
    for row in r["sweeps"]:
        by_task.setdefault(row["task"], {})[row["run"]] = row
    for row in r.get("sweeps_small", []):
        small.setdefault(row["task"], {})[row["run"]] = row
    for task, runs in by_task.items():
        first, second = runs[1], runs[2]
        if task in small:
            # Constant: each run costs as many queries over the small world as the large.
            same = [small[task][n]["queries"] == runs[n]["queries"] for n in (1, 2)]
            counts = (
                f"{small[task][1]['queries']} → {first['queries']} q (first run), "
                f"{small[task][2]['queries']} → {second['queries']} q (second)"
            )
            rule = f"the same queries at {r['args']['small']:,} and {r['args']['scale']:,}"
            constant = all(same)
        else:
            counts = f"{first['queries']} / {second['queries']} q"
            rule = f"queries of the first run within {SWEEP_QUERY_SLACK} of the second's"
            constant = first["queries"] <= second["queries"] + SWEEP_QUERY_SLACK
        ok = max(first["ms"], second["ms"]) <= SWEEP_MS and constant
        out.append(
            (
                f"{task} ≤ {SWEEP_MS / 1000:g} s, {rule}",
                f"{first['ms']:.0f} / {second['ms']:.0f} ms, {counts}",
                _check(ok),
            )
        )
    worst = max(r["latency"])
    out.append(
        (
            f"submit → flag ≤ {SUBMIT_TO_FLAG_MS / 1000:g} s (slowest of {len(r['latency'])})",
            f"{worst:.0f} ms",
            _check(worst <= SUBMIT_TO_FLAG_MS),
        )
    )
    for key, x in load.items():
        if x["not_ok"] or x["socket_errors"]:
            out.append(
                (
                    f"{r['labels'][key]}: every answer 200 under load",
                    f"{x['not_ok']} not 200, {x['socket_errors']} socket errors",
                    "FAIL",
                )
            )
    return out


def _f(x, digits=1):
    return f"{x:,.{digits}f}"


def markdown(r):
    a, m = r["args"], r["machine"]
    load, small, large = r["load"], r["profile_small"], r["profile_large"]
    floor, admin = load["floor"]["rps"], load["admin"]["rps"]
    s, g = (
        f"{a['small'] // 1000}k" if a["small"] >= 1000 else a["small"],
        (f"{a['large'] // 1000}k" if a["large"] >= 1000 else a["large"]),
    )
    lines = [
        f"Commit `{r['commit']}`, {r['date']}. World: `seed_demo --scale {a['scale']:,}` "
        f"(seed {a['seed']}) and the demo cast; load: gunicorn 2 workers, "
        f"`wrk -t2 -c{a['connections']} -d{a['duration']}s` per page after a "
        f"{a['warmup']} s warm-up.",
        "",
        "### Pages",
        "",
        f"| page | req/s | p50 ms | p99 ms | × floor | × admin | queries cold/warm {s} "
        f"| queries cold/warm {g} | ms cold/warm {s} | ms cold/warm {g} |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in r["labels"].items():
        x, p, q = load[key], small[key], large[key]
        lines.append(
            f"| {label} | {_f(x['rps'])} | {_f(x['p50'])} | {_f(x['p99'])} "
            f"| {x['rps'] / floor:.3f} | {x['rps'] / admin:.2f} "
            f"| {p['cold']['queries']:g} / {p['warm']['queries']:g} "
            f"| {q['cold']['queries']:g} / {q['warm']['queries']:g} "
            f"| {_f(p['cold']['ms'])} / {_f(p['warm']['ms'])} "
            f"| {_f(q['cold']['ms'])} / {_f(q['warm']['ms'])} |"
        )
    lines += [
        "",
        f"### Periodic sweeps over the {a['scale']:,} world (first run, then second)",
        "",
        f"| task | run | ms | queries | queries at {a['small']:,} | e-mails | returned |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    small_queries = {(x["task"], x["run"]): x["queries"] for x in r.get("sweeps_small", [])}
    for row in r["sweeps"]:
        lines.append(
            f"| {row['task']} | {row['run']} | {_f(row['ms'], 0)} | {row['queries']} "
            f"| {small_queries.get((row['task'], row['run']), 'n/a')} "
            f"| {row['emails']} | `{row['result']}` |"
        )
    lat = sorted(r["latency"])
    lines += [
        "",
        "### Submit audit → gap_drift flag (real worker on Redis)",
        "",
        f"{len(lat)} submissions: median {lat[len(lat) // 2]:.0f} ms, min {lat[0]:.0f} ms, "
        f"max {lat[-1]:.0f} ms.",
        *(
            [
                "",
                f"Before them, the worker sent the {r['drain']['emails']:,} e-mails the first "
                f"sweeps recorded, one batch per task run, in {r['drain']['seconds']:.1f} s.",
            ]
            if r.get("drain")
            else []
        ),
        "",
        "### Budgets",
        "",
        "| budget | figure | |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {b} | {fig} | {ok} |" for b, fig, ok in budgets(r)]
    toggles = r["toggles"]
    lines += [
        "",
        "### Machine and settings",
        "",
        f"- {m['cpus']} CPUs ({m['cpu']}), {m['ram']} RAM; PostgreSQL {m['postgres']}, "
        f"Python {m['python']}, {m['wrk']}",
        "- seeding (with VACUUM ANALYZE): "
        + ", ".join(f"{k} {v:.0f} s" for k, v in r["seed_seconds"].items()),
        "- DJANGO_/INTERIM_ variables set: "
        + (", ".join(f"`{k}={v}`" for k, v in toggles.items()) if toggles else "none"),
        "- load average (1, 5, 15 min; other work on the machine skews the figures): "
        + "; ".join(f"{k} {' '.join(v)}" for k, v in r["loadavg"].items()),
        f"- total run time {r['seconds']:.0f} s",
        "",
    ]
    return "\n".join(lines)


def result_path(r):
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return ROOT / "bench" / "results" / f"{stamp}-{r['commit']}.md"


INTRO = """# Benchmarks

Figures from `make bench` (`bench/run.py`), the latest run first. To reproduce: PostgreSQL
on 127.0.0.1:5432 (user postgres, trust), Redis on 127.0.0.1:6379, `wrk` installed
(`apt-get install wrk`), then `make bench` (about ten minutes on two cores). The run
recreates the PostgreSQL database `interim_bench` and empties Redis databases 10 (cache)
and 11 (broker); each run's full report is also written to `bench/results/` (not kept in git).

One run: migrate, `seed_demo --scale 3000 --seed 1`, profile each page in process
(django.test.Client, 20 requests after 2 warm-ups: median time and queries, with the cache
emptied before each request, "cold", and without, "warm"), and every periodic sweep of
`assignments.tasks.PERIODIC` called twice on a copy of that database; `seed_demo --scale
7000 --seed 2` (10,000 assignments and the demo cast); every periodic sweep called twice;
the pages served by gunicorn (2 workers, `gunicorn.conf.py`, `bench.settings`: debug off,
e-mails in memory) and loaded by wrk at 16 connections, each signed in as its demo user;
the worker's sending of the sweeps' e-mails, then ten audit reports submitted with a real
Celery worker on Redis, timed until the gap_drift flag is in the database; `seed_demo
--scale 3000 --seed 3` (13,000) and the pages profiled again, then once more on the copy of
the 3,000 world kept from the start (the flatness compares these two profiles, made one
after the other in the same conditions). VACUUM ANALYZE runs after each load. Queries
are the statements sent to PostgreSQL, counted with an execute wrapper (no ceiling; BEGIN
and COMMIT not counted).

The floor is `/bench/floor/` (only in `bench.settings`): a signed-in view that returns two
bytes, behind the same middleware, so it pays what every page pays (session, user) and
nothing else.

The budgets (a FAIL is reported, the command does not fail):

- director dashboard: at least 10 % of the floor's requests per second, at least twice the
  admin changelist's, and p99 at most 150 ms at 16 connections;
- assignment list, assignment page, manager and client homes: at least twice the admin
  changelist's requests per second;
- every page flat from 3,000 to 13,000 assignments: the same number of queries, cold and
  warm, and a median time at most 1.5 times (plus 2 ms) the small world's;
- every periodic sweep over the 10,000 world: at most 2 s on both runs, and as many queries
  on each run as over the 3,000 world (the first run records everything due, the second
  finds nothing new): the number of queries does not grow with the data;
- submit → flag: the slowest of the ten at most 1 s.
"""


def benchmarks_write(text):
    """BENCHMARKS.md: the introduction, this run, and the sections kept from before it
    (every "## " section after the latest run's: what each measure bought, before)."""
    path = ROOT / "BENCHMARKS.md"
    kept = ""
    if path.exists():
        old = path.read_text()
        latest = old.find("\n## Latest")
        at = old.find("\n## ", latest + 1) if latest >= 0 else old.find("\n## Before")
        if at >= 0:
            kept = old[at:]
    path.write_text(f"{INTRO}\n## Latest\n\n{text.rstrip()}\n{kept}")
