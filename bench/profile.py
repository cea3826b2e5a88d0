"""Where a cold public page spends its time: pyinstrument over in-process requests (page cache
off, debug off) to the hearing page, the contribution list, home and a search, on the PostgreSQL
database DATABASE_URL names (the bench's data, `make bench`). Writes bench/PROFILE.md: for each
page the time per request, the functions with the most time of their own, and the call tree's
top frames.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench .venv/bin/python bench/profile.py

Settings (environment): PROFILE_REQUESTS (requests per page, default 30).
"""

import datetime
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "30"))
RESULTS = bench.ROOT / "bench" / "PROFILE.md"
PAGES = ["2017 hearing", "contributions, category, page 1", "home", "search"]
TREE_LINES = 45
OWN_TIME_ROWS = 15


def own_time(frame, totals):
    """Seconds spent in each function itself (not in what it calls), summed over the tree."""
    if not frame.is_synthetic:
        totals[f"{frame.function} ({frame.file_path_short}:{frame.line_no})"] += (
            frame.total_self_time
        )
    for child in frame.children:
        own_time(child, totals)
    return totals


def profile(client, path):
    from pyinstrument import Profiler

    client.get(path)  # per-process caches filled, as in a running server
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    for _request in range(REQUESTS):
        response = client.get(path)
    profiler.stop()
    elapsed = (time.perf_counter() - started) / REQUESTS
    if response.status_code != 200:
        bench.fail(f"{path} answers {response.status_code}.")
    session = profiler.last_session
    root = session.root_frame()
    totals = own_time(root, Counter())
    tree = profiler.output_text(unicode=False, color=False, short_mode=True)
    return elapsed, session.duration, totals, tree


def main():
    bench.prepare_environment()
    os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
    bench.manage("collectstatic", "--noinput", "-v0")  # the pages link hashed static files
    import django

    django.setup()
    from django.test import Client

    pages = dict(bench.choose_pages())
    client = Client(HTTP_HOST="127.0.0.1")
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        "# Profile of the cold public pages",
        "",
        f"Run {now:%Y-%m-%d %H:%M} UTC by `bench/profile.py`: pyinstrument over {REQUESTS} "
        "in-process requests per page after one warm-up, page cache off, debug off, PostgreSQL "
        "with the bench's data. Times are per request, in this one process (no HTTP server).",
    ]
    for name in PAGES:
        path = pages[name]
        elapsed, duration, totals, tree = profile(client, path)
        bench.say(f"{name:<34} {elapsed * 1000:7.1f} ms per request")
        lines += [
            "",
            f"## {name}: `{path}`, {elapsed * 1000:.1f} ms per request",
            "",
            "Functions with the most time of their own:",
            "",
            "| share | ms per request | function |",
            "| ---: | ---: | --- |",
        ]
        for function, seconds in totals.most_common(OWN_TIME_ROWS):
            lines.append(
                f"| {seconds / duration:.0%} | {seconds * 1000 / REQUESTS:.2f} | `{function}` |"
            )
        top = [line for line in tree.splitlines() if line.strip()][:TREE_LINES]
        lines += ["", "Top of the call tree (all requests together):", "", "```", *top, "```"]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bench.say(f"Written to {RESULTS.relative_to(bench.ROOT)}")


if __name__ == "__main__":
    main()
