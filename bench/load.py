"""Load from a second process: the app under gunicorn, wrk driving it."""

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.engine import ROOT, stop

# Counts the answers other than 200 over all of wrk's threads (wrk itself counts only
# statuses of 400 and above as errors: a 302 to the sign-in page would pass unseen).
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("not_ok") end
  io.write(string.format("BENCH not-200 %d\\n", n))
end
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, url, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(log: Path, workers=2):
    """gunicorn with the repository's gunicorn.conf.py, bound to a free local port and with
    `workers` workers (the command line overrides the file); yields the port."""
    port = free_port()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - our own arguments
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=os.environ.copy(),
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-2000:]}")
            try:
                get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        # Each worker imports the app on its first request: ask a few times.
        for _ in range(workers * 4):
            get(port, "/healthz")
        yield port
    finally:
        stop(server)


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNIT_MS[unit]


def parse_wrk(output):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    not_ok = int(re.search(r"BENCH not-200 (\d+)", output).group(1))
    socket_errors = (
        sum(
            int(n)
            for n in re.findall(
                r"(?:connect|read|write|timeout) (\d+)", output.split("Socket")[-1]
            )
        )
        if "Socket errors" in output
        else 0
    )
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "requests": requests,
        "not_ok": not_ok,
        "socket_errors": socket_errors,
    }


def wrk(port, url, cookie, *, duration, connections, script: Path, threads=2):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        f"http://127.0.0.1:{port}{url}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return result.stdout


def drained(port, url, cookie):
    """Wait until the requests wrk left queued in gunicorn's backlog are answered: one more
    request, answered after them, so that the next run starts on an idle server."""
    get(port, url, cookie)


def load_all(page_list, cookies, *, duration, connections, warmup, logs: Path):
    """Each page: checked to answer 200 with its user's cookie, warmed up, then measured."""
    script = logs / "count.lua"
    script.write_text(WRK_SCRIPT)
    out = {}
    with gunicorn(logs / "gunicorn.log") as port:
        for page in page_list:
            status, location = get(port, page.url, cookies[page.email])
            if status != 200:
                raise RuntimeError(
                    f"{page.url} as {page.email} answered {status} {location or ''} under gunicorn"
                )
        for page in page_list:
            cookie = cookies[page.email]
            if warmup:
                options = {"connections": connections, "script": script}
                wrk(port, page.url, cookie, duration=warmup, **options)
                drained(port, page.url, cookie)
            text = wrk(
                port, page.url, cookie, duration=duration, connections=connections, script=script
            )
            drained(port, page.url, cookie)
            (logs / f"wrk-{page.key}.txt").write_text(text)
            out[page.key] = parse_wrk(text)
            r = out[page.key]
            print(
                f"  {page.label:32} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p99 {r['p99']:6.1f} ms  not-200 {r['not_ok']}  socket errors "
                f"{r['socket_errors']}",
                flush=True,
            )
    return out
