"""`make bench`: measure the public pages against /healthz on PostgreSQL, cache-warm and cache-cold.

Steps: check DATABASE_URL names PostgreSQL; install wrk with apt if it is missing; migrate, load
the seed hearing and collect static files; generate the demo data if the database holds fewer
demo contributions than BENCH_CONTRIBUTIONS (100,000); build the open-data zip; count each
page's SQL queries in-process; EXPLAIN ANALYZE the contribution list's query and count at page 1 and 200; then, for each mode,
start gunicorn (2 sync workers, 127.0.0.1, debug off), warm each page up and run wrk against it.
In cold mode it also times the open-data zip (first byte, whole file, a valid zip) and every
sitemap file (URLs, time). The servers use Redis as production does (BENCH_REDIS_URL, database 14
by default, emptied before each mode). The tables, and the issue's targets with each figure, are
printed and written to bench/results/latest.md.

Settings (environment): BENCH_CONTRIBUTIONS, BENCH_SEED, BENCH_SECONDS (wrk run, default 5),
BENCH_CONNECTIONS (default 8), BENCH_PORT (default 8765), BENCH_REDIS_URL.
"""

import datetime
import http.client
import io
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.md"
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
CONTRIBUTIONS = int(os.environ.get("BENCH_CONTRIBUTIONS", "100000"))
SEED = os.environ.get("BENCH_SEED", "2017")
WARM_CACHE_SECONDS = "600"
DEEP_PAGE = 200
SEED_HEARING = "gcm-second-multi-stakeholder-hearing-2017"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SITEMAP_URL_LIMIT = 50_000

# The targets: (figure, pages it covers, least share of /healthz req/s).
COLD_TARGETS = [
    ("cold: hearing page", ["2017 hearing", "open hearing"], 0.08),
    (
        "cold: contribution list",
        ["contributions, category, page 1", f"contributions, category, page {DEEP_PAGE}"],
        0.08,
    ),
    ("cold: home", ["home"], 0.15),
    ("cold: one contribution", ["contribution"], 0.15),
    ("cold: search for a common phrase", ["search"], 0.03),
    ("cold: API contribution list", ["API contributions"], 0.10),
]
WARM_TARGET = 0.80
MEMORY_TARGET_MB = 150

# The server runs as in production (debug off) but over plain HTTP on the loopback, with one
# request log line per request turned off so the log does not become the bottleneck.
SERVER_ENVIRONMENT = {
    "DJANGO_DEBUG": "off",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "off",
    "DJANGO_SECURE_COOKIES": "off",
    "DJANGO_REQUEST_LOG_LEVEL": "WARNING",
    "DJANGO_LOG_LEVEL": "WARNING",
    # gunicorn.conf.py recycles workers every ~1,000 requests, which a cached page reaches in a
    # second; the bench keeps them, so the RSS measured after the run is the worst case.
    "GUNICORN_MAX_REQUESTS": "0",
    # wrk is one client sending thousands of requests a second: the API's per-address throttle
    # would answer 429 to nearly all of them.
    "DJANGO_API_ANON_RATE": "10000000/minute",
    # Caches, throttles and rate limits in Redis, as in production: no per-process state.
    "REDIS_URL": REDIS_URL,
}


def fail(message):
    sys.exit(f"bench: {message}")


def say(message):
    print(message, flush=True)


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("wrk is missing: installing Debian's package.")
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*prefix, "apt-get", "install", "-y", "wrk"], check=True)
    if not shutil.which("wrk"):
        fail("wrk could not be installed; install it with: apt-get install wrk")


def prepare_environment():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        fail(
            "DATABASE_URL must name a PostgreSQL database, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench make bench"
        )
    os.environ.update(SERVER_ENVIRONMENT)
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))


def ensure_database():
    """Create the database DATABASE_URL names when the server does not hold it yet."""
    import django

    django.setup()
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = connection.settings_dict["NAME"]
        say(f"Creating the database {name}.")
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def prepare_database():
    ensure_database()
    manage("migrate", "--noinput", "-v0")
    manage("loaddata", "gcm_hearing_2017", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    import django

    django.setup()
    from consultations.demo import DEMO_CODE
    from consultations.models import Contribution

    held = Contribution.objects.filter(hearing__process__code=DEMO_CODE).count()
    if held < CONTRIBUTIONS:
        say(f"Generating {CONTRIBUTIONS:,} demo contributions (the database holds {held:,}).")
        started = time.monotonic()
        manage("generate_demo", "--contributions", str(CONTRIBUTIONS), "--seed", SEED)
        say(f"generate_demo took {time.monotonic() - started:.0f} s.")
    # As `make serve` and the scheduled command do: the open-data zip is served, never built by
    # a request.
    started = time.monotonic()
    manage("build_open_data", "--quiet")
    say(f"build_open_data took {time.monotonic() - started:.0f} s.")
    from django.db import connection

    connection.close()


def choose_pages():
    """The pages the issue names, found in the data; a page whose URL does not exist yet is
    listed with a note instead of figures."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from consultations.demo import DEMO_CODE
    from consultations.models import Contribution, Hearing
    from stakeholders.models import Organization

    def url(name, *args, query=""):
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    open_hearing = (
        Hearing.objects.filter(process__code=DEMO_CODE, date__gt=timezone.localdate())
        .order_by("date")
        .first()
    )
    contribution = (
        Contribution.objects.published().filter(hearing__process__code=DEMO_CODE).order_by("id")
    ).first()
    organization = (
        Organization.objects.filter(slug__startswith="demo-org-", contributions__isnull=False)
        .order_by("slug")
        .first()
    )
    return [
        ("/healthz", "/healthz"),
        ("home", url("consultations:home")),
        ("2017 hearing", url("consultations:hearing", SEED_HEARING)),
        ("open hearing", open_hearing and url("consultations:hearing", open_hearing.slug)),
        (
            "contributions, category, page 1",
            url("consultations:contributions", query="?category=civil_society"),
        ),
        (
            f"contributions, category, page {DEEP_PAGE}",
            url("consultations:contributions", query=f"?category=civil_society&page={DEEP_PAGE}"),
        ),
        ("search", url("consultations:contributions", query="?q=recruitment+fees")),
        (
            "contribution",
            contribution and url("consultations:contribution", contribution.reference),
        ),
        ("organization", organization and url("consultations:organization", organization.slug)),
        ("API contributions", url("api:contribution-list")),
    ]


def count_queries(pages):
    """Queries per request, counted in-process once per page after one warm-up request (so
    per-process caches such as content types are filled, as in a running server)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    with override_settings(PAGE_CACHE_SECONDS=0):
        for label, path in pages:
            if not path:
                continue
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            counts[label] = (response.status_code, len(captured.captured_queries))
    return counts


def explain_list_queries():
    """EXPLAIN ANALYZE of the queries the contribution list really sends, captured from the view:
    the page of rows and the count, at page 1 and at page DEEP_PAGE (best of three runs)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    results = []
    for page in (1, DEEP_PAGE):
        with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as seen:
            client.get(f"/contributions/?category=civil_society&page={page}")
        for query in seen.captured_queries:
            sql = query["sql"]
            if "consultations_contribution" not in sql.split(" WHERE ")[0]:
                continue
            kind = "count" if "COUNT(" in sql.upper() else "rows"
            timings = []
            with connection.cursor() as cursor:
                for _run in range(3):
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else plan
                    timings.append((plan["Execution Time"], plan["Planning Time"]))
            execution, planning = min(timings)
            results.append((page, kind, execution, planning))
    return results


def explain_search(path):
    """EXPLAIN ANALYZE (text) of each query the search page sends, with its parameters."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)
    with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as seen:
        client.get(path)
    plans = []
    with connection.cursor() as cursor:
        for query in seen.captured_queries:
            if "search_document" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def port_is_free():
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def flush_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    client.close()


def start_server(cache_seconds):
    flush_redis()
    if not port_is_free():
        fail(f"127.0.0.1:{PORT} is already in use: stop what listens there or set BENCH_PORT.")
    environment = os.environ | {"DJANGO_PAGE_CACHE_SECONDS": cache_seconds}
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
    )
    for _attempt in range(60):
        time.sleep(0.5)
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as answer:  # nosec B310
                if answer.status == 200:
                    return server
        except OSError:  # refused, reset or timed out while the workers boot
            if server.poll() is not None:
                fail("gunicorn stopped while starting; see the lines above.")
    stop_server(server)
    fail("gunicorn did not answer /healthz within 30 s.")


def worker_rss(server):
    output = subprocess.run(
        ["ps", "--ppid", str(server.pid), "-o", "rss="], capture_output=True, text=True
    ).stdout
    return [int(line) / 1024 for line in output.split()]


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def status_of(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as answer:  # nosec B310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(path, seconds):
    output = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t",
            "2",
            "-c",
            str(CONNECTIONS),
            "-d",
            f"{seconds}s",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    note = []
    if bad:
        note.append(f"{bad.group(1)} non-2xx")
    if errors:
        note.append("socket errors: " + errors.group(1))
    return rate, p50, p99, "; ".join(note)


def timed_download(path, timeout=120):
    """Milliseconds to the first byte of the body and to its end, the size, and the body."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=timeout) as answer:  # nosec B310
            first = answer.read(1)
            first_byte = (time.perf_counter() - started) * 1000
            body = first + answer.read()
    except (OSError, http.client.HTTPException) as error:  # refused, cut short, timed out
        return None, None, 0, f"{type(error).__name__}: {error}".encode()
    return first_byte, (time.perf_counter() - started) * 1000, len(body), body


def measure_open_data():
    """The open-data zip as an anonymous visitor downloads it: first byte, whole file, valid?"""
    first_byte, whole, size, body = timed_download("/api/v1/open-data/")
    if first_byte is None:
        return {"first_byte": None, "error": body.decode()}
    try:
        valid = zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    except zipfile.BadZipFile:
        valid = False
    return {"first_byte": first_byte, "whole": whole, "size": size, "valid": valid}


def measure_sitemaps():
    """Each sitemap file the index names: its URLs and the time to make it, page cache off."""
    _first, whole, _size, index = timed_download("/sitemap.xml")
    files = [("/sitemap.xml", index.count(b"<url>"), whole)]
    for location in re.findall(rb"<loc>([^<]+)</loc>", index) if b"<sitemapindex" in index else []:
        path = urllib.parse.urlsplit(location.decode())
        path = path.path + (f"?{path.query}" if path.query else "")
        _first, whole, _size, body = timed_download(path)
        files.append((path, body.count(b"<url>"), whole))
    return files


def measure(pages, cache_seconds, label):
    say(f"\n== {label}: gunicorn with DJANGO_PAGE_CACHE_SECONDS={cache_seconds}")
    server = start_server(cache_seconds)
    rows = {}
    try:
        for name, path in pages:
            if not path:
                rows[name] = None
                continue
            status = status_of(path)
            if status != 200:
                rows[name] = ("skipped", f"answers {status}")
                say(f"{name:<34} {path}: answers {status}, skipped")
                continue
            wrk(path, 1)
            rows[name] = wrk(path, SECONDS)
            rate, p50, p99, note = rows[name]
            say(f"{name:<34} {rate:>9.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {note}")
        rss = worker_rss(server)
        if cache_seconds == "0":
            rows["open data"] = measure_open_data()
            rows["sitemaps"] = measure_sitemaps()
    finally:
        stop_server(server)
    return rows, rss


def share(rows, name):
    reference, row = rows.get("/healthz"), rows.get(name)
    if not reference or not row or row[0] == "skipped" or not reference[0]:
        return None
    return row[0] / reference[0]


def verdict(passed):
    return "met" if passed else "**missed**"


def targets(pages, modes, queries):
    """The issue's Targets table with this run's figure beside each target."""
    cold, _cold_rss = modes["cold"]
    warm, _warm_rss = modes["warm"]
    lines = ["| figure | target | measured | |", "| --- | --- | --- | --- |"]
    for figure, names, least in COLD_TARGETS:
        shares = {name: share(cold, name) for name in names}
        shown = ", ".join(
            f"{name} {value:.3f}" if value is not None else f"{name} not measured"
            for name, value in shares.items()
        )
        passed = all(value is not None and value >= least for value in shares.values())
        lines.append(f"| {figure} | ≥ {least} | {shown} | {verdict(passed)} |")
    warm_shares = {name: share(warm, name) for name, path in pages if path and name != "/healthz"}
    lowest = min(
        ((value, name) for name, value in warm_shares.items() if value is not None),
        default=(None, None),
    )
    passed = lowest[0] is not None and all(
        value is not None and value >= WARM_TARGET for value in warm_shares.values()
    )
    shown = f"lowest {lowest[0]:.2f} ({lowest[1]})" if lowest[0] is not None else "not measured"
    lines.append(
        f"| warm: every page and the API list | ≥ {WARM_TARGET} | {shown} | {verdict(passed)} |"
    )
    shown = ", ".join(f"{name} {count}" for name, (_status, count) in queries.items())
    lines.append(f"| queries per page | constant, as asserted | {shown} | asserted in the tests |")
    rss = [value for _rows, values in modes.values() for value in values]
    most = max(rss, default=0)
    lines.append(
        f"| worker memory | < {MEMORY_TARGET_MB} MB | at most {most:.0f} MB | "
        f"{verdict(rss and most < MEMORY_TARGET_MB)} |"
    )
    data = cold.get("open data")
    if data and data["first_byte"] is not None:
        passed = data["first_byte"] < 100 and data["whole"] < 3000 and data["valid"]
        shown = (
            f"first byte {data['first_byte']:.0f} ms, whole {data['whole']:.0f} ms, "
            f"{data['size'] / 1e6:.1f} MB, {'a valid zip' if data['valid'] else 'not a valid zip'}"
        )
    else:
        passed, shown = False, "failed: " + (data["error"] if data else "not measured")
    lines.append(
        "| open-data zip | first byte < 100 ms, whole < 3 s, a valid zip | "
        f"{shown} | {verdict(passed)} |"
    )
    files = cold.get("sitemaps") or []
    passed = bool(files) and all(
        urls <= SITEMAP_URL_LIMIT and whole is not None and whole < 1000
        for _path, urls, whole in files
    )
    shown = "; ".join(
        f"`{path}` {urls:,} URLs in {whole:.0f} ms" if whole is not None else f"`{path}` failed"
        for path, urls, whole in files
    )
    lines.append(
        f"| each sitemap file | ≤ {SITEMAP_URL_LIMIT:,} URLs, cold < 1 s | {shown} | "
        f"{verdict(passed)} |"
    )
    return lines


def table(pages, modes, queries):
    lines = [
        "| page | path | mode | req/s | p50 ms | p99 ms | share of /healthz req/s | p99 / /healthz p99 "
        "| SQL queries | note |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for mode, (rows, _rss) in modes.items():
        reference = rows.get("/healthz")
        for name, path in pages:
            row = rows.get(name)
            _status, count = queries.get(name, (None, ""))
            shown_queries = (
                count if mode == "cold" or name == "/healthz" else f"0 ({count} on a miss)"
            )
            if row is None:
                lines.append(f"| {name} | — | {mode} | | | | | | | page does not exist yet |")
            elif row[0] == "skipped":
                lines.append(f"| {name} | `{path}` | {mode} | | | | | | | {row[1]} |")
            else:
                rate, p50, p99, note = row
                ratio = f"{rate / reference[0]:.0%}" if reference and reference[0] else ""
                p99_ratio = f"{p99 / reference[2]:.1f}" if reference and reference[2] else ""
                lines.append(
                    f"| {name} | `{path}` | {mode} | {rate:,.0f} | {p50:.2f} | {p99:.2f} | "
                    f"{ratio} | {p99_ratio} | {shown_queries} | {note} |"
                )
    return lines


def main():
    prepare_environment()
    ensure_wrk()
    prepare_database()
    pages = choose_pages()
    for name, path in pages:
        say(f"{name:<34} {path or '(no such page yet)'}")
    queries = count_queries(pages)
    explains = explain_list_queries()
    search_path = dict(pages)["search"]
    search_plans = explain_search(search_path)
    from django.db import connection

    data = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'published') "
            "FROM consultations_contribution"
        )
        data["contributions"], data["published"] = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM stakeholders_organization")
        data["organizations"] = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM consultations_hearing")
        data["hearings"] = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        data["postgresql"] = cursor.fetchone()[0]
    connection.close()

    modes = {
        "warm": measure(pages, WARM_CACHE_SECONDS, "cache-warm"),
        "cold": measure(pages, "0", "cache-cold"),
    }

    import django

    now = datetime.datetime.now(datetime.UTC)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        "# Benchmark: public pages against /healthz",
        "",
        f"- Run: {now:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU ({cpu}), "
        f"{platform.system()} {platform.release()}",
        f"- Stack: Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {data['postgresql']}, gunicorn 2 sync workers, debug off, "
        f"cache Redis ({REDIS_URL}, emptied before each mode)",
        f"- Data: {data['contributions']:,} contributions ({data['published']:,} published), "
        f"{data['organizations']:,} organizations, {data['hearings']:,} hearings",
        f"- wrk: {CONNECTIONS} connections, 2 threads, {SECONDS} s per page after a 1 s warm-up; "
        "warm = DJANGO_PAGE_CACHE_SECONDS=600, cold = 0",
        "- SQL queries: counted in-process once per page with the page cache off (a cached page "
        "costs none)",
        "",
        *table(pages, modes, queries),
        "",
        "## The issue's targets",
        "",
        *targets(pages, modes, queries),
        "",
        "## The contribution list's queries (`?category=civil_society`), EXPLAIN ANALYZE",
        "",
        "| page | query | execution ms | planning ms |",
        "| ---: | --- | ---: | ---: |",
        *(
            f"| {page} | {kind} | {execution:.2f} | {planning:.2f} |"
            for page, kind, execution, planning in explains
        ),
    ]
    for page in (1, DEEP_PAGE):
        total = sum(e for p, _k, e, _pl in explains if p == page)
        lines.append(f"| {page} | together | {total:.2f} | |")
    lines += ["", f"## The search's queries (`{search_path}`), EXPLAIN ANALYZE", ""]
    for plan in search_plans:
        lines += ["```", plan, "```", ""]
    lines += ["", "## gunicorn workers after the run (RSS)", ""]
    for mode, (_rows, rss) in modes.items():
        shown = ", ".join(f"{value:.0f} MB" for value in rss) or "not measured"
        lines.append(f"- {mode}: {shown}")
    text = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text, encoding="utf-8")
    say("\n" + text)
    say(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
