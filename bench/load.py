"""The load run: 4x the bench's concurrency (wrk with 32 connections) for 60 s against the
production stack of `make serve` (gunicorn.conf.py: workers from the cores, timeouts, worker
recycling; debug off; Redis cache), over the benchmark's public pages in turn, while people send
the contribution form at the same time. Then: 5xx answers (must be none), submissions lost or
stored twice (must be none), and the p99 of pages and posts. Written to bench/results/load.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench .venv/bin/python bench/load.py

Needs the benchmark data (`make bench`); the contributions it adds belong to the open demo
hearing, so `generate_demo --clear` removes them. Not part of CI: it takes a little over a minute.
Settings (environment): LOAD_SECONDS (60), LOAD_CONNECTIONS (32), LOAD_SUBMITTERS (8),
BENCH_PORT (8765), LOAD_REDIS_URL (redis://127.0.0.1:6379/10, emptied before and after).
"""

import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench
import submit_load

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", str(4 * bench.CONNECTIONS)))
SUBMITTERS = int(os.environ.get("LOAD_SUBMITTERS", "8"))
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/10")
RESULTS = bench.ROOT / "bench" / "results" / "load.md"

# wrk walks the pages in turn on every connection and counts each status class itself, since its
# own summary lumps 4xx and 5xx together.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  local class = math.floor(status / 100) .. "xx"
  statuses[class] = (statuses[class] or 0) + 1
  if status >= 500 then
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for class, n in pairs(counts) do total[class] = (total[class] or 0) + n end
  end
  for class, n in pairs(total) do io.write(string.format("STATUS %%s %%d\\n", class, n)) end
end
"""


def start_server():
    """gunicorn exactly as `make serve` starts it, on BENCH_PORT."""
    if not bench.port_is_free():
        bench.fail(f"127.0.0.1:{bench.PORT} is already in use: set BENCH_PORT.")
    environment = os.environ | {
        "PORT": str(bench.PORT),
        "REDIS_URL": REDIS_URL,
        "DJANGO_PAGE_CACHE_SECONDS": "300",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    environment.pop("GUNICORN_MAX_REQUESTS", None)  # keep gunicorn.conf.py's worker recycling
    # Fixed arguments, no shell.
    server = subprocess.Popen(  # nosec B603
        [bench.PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"],
        cwd=bench.ROOT,
        env=environment,
        start_new_session=True,
    )
    for _attempt in range(60):
        time.sleep(0.5)
        if bench.status_of("/healthz") == 200:
            return server
        if server.poll() is not None:
            bench.fail("gunicorn stopped while starting; see the lines above.")
    bench.stop_server(server)
    bench.fail("gunicorn did not answer /healthz within 30 s.")


def flush_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


def run_wrk(paths, seconds):
    script = WRK_SCRIPT % {"paths": ", ".join(f'"{path}"' for path in paths)}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        # Fixed arguments, no shell; wrk from PATH as the bench runs it.
        output = subprocess.run(  # nosec B603 B607
            [
                "wrk",
                "--latency",
                "-t",
                "2",
                "-c",
                str(CONNECTIONS),
                "-d",
                f"{seconds}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                f"http://127.0.0.1:{bench.PORT}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    statuses = {k: int(v) for k, v in re.findall(r"^STATUS (\S+) (\d+)$", output, re.M)}
    latency = {
        share: bench.milliseconds(value)
        for share, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", output, re.M)
    }
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "latency": latency,
        "statuses": statuses,
        "socket_errors": (re.search(r"Socket errors: (.*)", output) or [None, "none"])[1],
        "raw": output,
    }


def main():
    bench.prepare_environment()
    bench.ensure_wrk()
    os.environ.update(
        {
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()
    from django.db import connection

    from consultations.models import Contribution

    held = Contribution.objects.count()
    if held < bench.CONTRIBUTIONS:
        bench.fail(f"the database holds {held:,} contributions: run make bench first.")
    bench.manage("collectstatic", "--noinput", "-v0")
    pages = [path for _name, path in bench.choose_pages() if path]
    hearing = submit_load.open_hearing()
    form = f"/hearings/{hearing.slug}/contribute/"
    connection.close()
    run_id = uuid.uuid4().hex[:8]
    bench.say(
        f"load: wrk -c {CONNECTIONS} over {len(pages)} pages and {SUBMITTERS} submitters on "
        f"{form}, {SECONDS} s (run {run_id})"
    )
    flush_redis()
    server = start_server()
    results, outcome = [], {}
    started = datetime.datetime.now(datetime.UTC)
    try:
        for path in pages:  # one request each, so the run starts from cached pages as in use
            bench.status_of(path)
        deadline = time.monotonic() + SECONDS
        submitters = [
            submit_load.Submitter(
                n, f"http://127.0.0.1:{bench.PORT}", form, run_id, deadline, results
            )
            for n in range(1, SUBMITTERS + 1)
        ]
        for thread in submitters:
            thread.start()
        waiter = threading.Thread(target=lambda: outcome.update(run_wrk(pages, SECONDS)))
        waiter.start()
        waiter.join()
        for thread in submitters:
            thread.join()
    finally:
        bench.stop_server(server)
        flush_redis()

    accepted = [marker for kind, marker, _r, _s in results if kind == "accepted"]
    errors = [(marker, reason) for kind, marker, reason, _s in results if kind == "error"]
    server_errors = [reason for _m, reason in errors if reason[:1] == "5"]
    stored, lost, duplicated, unexpected = submit_load.check_database(run_id, accepted)
    posts = sorted(seconds * 1000 for kind, _m, _r, seconds in results if kind == "accepted")
    post_p99 = posts[min(len(posts) - 1, int(len(posts) * 0.99))] if posts else 0
    statuses = outcome["statuses"]
    page_5xx = sum(n for key, n in statuses.items() if key.startswith("5"))
    verdict = not (page_5xx or server_errors or errors or lost or duplicated)

    lines = [
        "# Load run: 4x the bench's concurrency for 60 s",
        "",
        f"- Run: {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU, {platform.platform()}",
        "- Stack: `make serve` as in production: gunicorn.conf.py (workers from the cores, "
        "worker recycling on), debug off, whitenoise, Redis cache "
        f"({REDIS_URL}), PostgreSQL database `{connection.settings_dict['NAME']}` with "
        f"{held:,} contributions",
        f"- Pages: wrk, {CONNECTIONS} connections (the bench uses {bench.CONNECTIONS}), 2 threads, "
        f"{SECONDS} s, the {len(pages)} pages of the bench in turn on every connection; a "
        "submission clears the page cache, so pages are served both cached and rendered",
        f"- Submissions at the same time: {SUBMITTERS} people each loading the contribution form "
        "and posting it, again and again, each from its own address",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| page requests | {outcome['requests']:,} ({outcome['rate']:,.0f}/s) |",
        *(f"| page answers {key} | {n:,} |" for key, n in sorted(statuses.items())),
        f"| page 5xx | {page_5xx} |",
        f"| socket errors | {outcome['socket_errors']} |",
        *(f"| page p{share} | {ms:,.1f} ms |" for share, ms in outcome["latency"].items()),
        f"| submissions accepted | {len(accepted):,} ({len(accepted) / SECONDS:.1f}/s) |",
        f"| submissions refused or failed | {len(errors)} |",
        f"| submission 5xx | {len(server_errors)} |",
        f"| submissions stored | {sum(stored.values()):,} rows for {len(stored):,} titles |",
        f"| lost | {len(lost)} |",
        f"| duplicated | {len(duplicated)} |",
        f"| stored without a success seen | {len(unexpected)} |",
        f"| post p50 | {statistics.median(posts) if posts else 0:,.0f} ms |",
        f"| post p99 | {post_p99:,.0f} ms |",
        "",
        f"**{'Pass' if verdict else 'FAIL'}**: "
        + (
            "zero 5xx, zero lost or duplicated submissions."
            if verdict
            else "see the figures above."
        ),
        "",
    ]
    for reason, count in Counter(reason for _m, reason in errors).most_common(5):
        lines.insert(-2, f"- {count} submissions: {reason}")
    RESULTS.write_text("\n".join(lines))
    bench.say("\n".join(lines))
    bench.say(f"Written to {RESULTS.relative_to(bench.ROOT)}")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
