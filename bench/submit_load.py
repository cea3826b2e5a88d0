"""50 people sending the contribution form at once for 30 seconds, then a count in the database.

Each submitter is a thread with its own cookie jar: it loads the form (getting the CSRF cookie
and the token in the page), posts a contribution with a unique title and email, and starts
again until the time is up. Each post claims its own client address through X-Forwarded-For
(the server trusts 127.0.0.1 as a proxy for this run), as 50 people behind a proxy would, so the
per-address rate limit of the form does not refuse them.

Afterwards every accepted submission (a redirect to its status page) must be in the database
exactly once, and nothing else from this run may be there. The exit status is 1 when a request
failed, a submission is missing or one is stored twice.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench .venv/bin/python bench/submit_load.py

Needs the demo data (`make bench` or `manage.py generate_demo`): it posts to the open demo
hearing. The rows it adds belong to that hearing, so `generate_demo --clear` removes them.
"""

import argparse
import http.cookiejar
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BODY = (
    "We write on behalf of our network of migrant workers' associations. Regular pathways for "
    "labour migration should be expanded and made accessible to workers at every skill level, "
    "and recruitment fees charged to workers should be abolished.\n\n"
    "- End the detention of children for reasons of their migration status.\n"
    "- Include local authorities and civil society in the follow-up and review.\n\n"
    "Submission {marker}."
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Submitter(threading.Thread):
    def __init__(self, number, base, path, run_id, deadline, results):
        super().__init__(daemon=True)
        self.number, self.base, self.path = number, base, path
        self.run_id, self.deadline, self.results = run_id, deadline, results
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def run(self):
        attempt = 0
        while time.monotonic() < self.deadline:
            attempt += 1
            marker = f"{self.run_id}-{self.number:02d}-{attempt:04d}"
            self.results.append(self.submit(marker, attempt))

    def submit(self, marker, attempt):
        url = self.base + self.path
        address = f"10.{self.number}.{attempt // 250}.{attempt % 250 + 1}"
        headers = {"X-Forwarded-For": address}
        started = time.monotonic()
        try:
            # The URL is always http://127.0.0.1 (this script's own server).
            page_request = urllib.request.Request(url, headers=headers)  # noqa: S310  # nosec B310
            with self.opener.open(page_request, timeout=60) as page:
                html = page.read().decode()
            token = TOKEN.search(html)
            if not token:
                return ("error", marker, "no CSRF token in the form", time.monotonic() - started)
            fields = {
                "csrfmiddlewaretoken": token.group(1),
                "author_name": f"Load tester {self.number}",
                "author_email": f"load-{marker}@demo.invalid",
                "organization_text": f"Load test network {self.number}",
                "category": "civil_society",
                "country": "SN",
                "language": "en",
                "title": f"Load test {marker}",
                "segment": "",
                "body": BODY.format(marker=marker),
                "consent": "named",
                "website": "",
            }
            request = urllib.request.Request(  # noqa: S310  # nosec B310
                url,
                data=urllib.parse.urlencode(fields).encode(),
                headers=headers | {"Referer": url},
                method="POST",
            )
            posted = time.monotonic()
            try:
                with self.opener.open(request, timeout=60) as answer:
                    status, text = answer.status, answer.read().decode()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode(errors="replace")
            seconds = time.monotonic() - posted
            if status == 302:
                return ("accepted", marker, "", seconds)
            reason = re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]+)', text)
            return ("error", marker, f"{status}: {reason.group(1) if reason else ''}", seconds)
        except (urllib.error.URLError, OSError) as error:
            return ("error", marker, f"{type(error).__name__}: {error}", time.monotonic() - started)


def open_hearing():
    from django.utils import timezone

    from consultations.demo import DEMO_CODE
    from consultations.models import Hearing

    now = timezone.now()
    hearing = (
        Hearing.objects.published()
        .filter(process__code=DEMO_CODE, contributions_open__lte=now, contributions_close__gt=now)
        .order_by("date")
        .first()
    )
    if hearing is None:
        bench.fail("no demo hearing takes contributions now: run make bench or generate_demo.")
    return hearing


def check_database(run_id, accepted):
    from django.db.models import Count

    from consultations.models import Contribution

    stored = Counter(
        dict(
            Contribution.objects.filter(title__startswith=f"Load test {run_id}-")
            .values_list("title")
            .annotate(n=Count("id"))
            .values_list("title", "n")
        )
    )
    expected = {f"Load test {marker}" for marker in accepted}
    lost = sorted(expected - set(stored))
    duplicated = sorted(title for title, n in stored.items() if n > 1)
    unexpected = sorted(set(stored) - expected)
    return stored, lost, duplicated, unexpected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    arguments = parser.parse_args()

    bench.prepare_environment()
    import os

    os.environ.update(
        {
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            # Confirmation emails are written to the database and "sent" in memory.
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()
    hearing = open_hearing()
    path = f"/hearings/{hearing.slug}/contribute/"
    from django.db import connection

    connection.close()
    run_id = uuid.uuid4().hex[:8]
    bench.say(
        f"{arguments.submitters} submitters, {arguments.seconds} s, against {path} (run {run_id})"
    )
    server = bench.start_server(bench.WARM_CACHE_SECONDS)
    results = []
    try:
        deadline = time.monotonic() + arguments.seconds
        base = f"http://127.0.0.1:{bench.PORT}"
        threads = [
            Submitter(n, base, path, run_id, deadline, results)
            for n in range(1, arguments.submitters + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        bench.stop_server(server)

    accepted = [marker for kind, marker, _r, _s in results if kind == "accepted"]
    errors = [(marker, reason) for kind, marker, reason, _s in results if kind == "error"]
    stored, lost, duplicated, unexpected = check_database(run_id, accepted)
    timings = sorted(seconds * 1000 for kind, _m, _r, seconds in results if kind == "accepted")
    bench.say(f"attempts:   {len(results)}")
    bench.say(f"accepted:   {len(accepted)} ({len(accepted) / arguments.seconds:.1f}/s)")
    if timings:
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        bench.say(f"POST time:  p50 {statistics.median(timings):.0f} ms, p99 {p99:.0f} ms")
    bench.say(f"errors:     {len(errors)}")
    for reason, count in Counter(reason for _m, reason in errors).most_common(5):
        bench.say(f"            {count} times: {reason}")
    bench.say(f"in the database: {sum(stored.values())} rows for {len(stored)} titles")
    bench.say(f"lost:       {len(lost)}")
    bench.say(f"duplicated: {len(duplicated)}")
    bench.say(f"unexpected: {len(unexpected)} (stored although the client saw no success)")
    sys.exit(1 if errors or lost or duplicated else 0)


if __name__ == "__main__":
    main()
