"""The door's scan at 5,000 registrations: server time of `POST /api/v1/hearings/<slug>/check-in/`.

Adds (once) a marked hearing, `bench-check-in`, with 5,000 approved registrations and a door
staff account, then scans 200 badges in a row through Django's test client (the whole server
stack: middleware, session, permissions, the locked update, history and status change, no
network), each a first check-in answered 200, and prints the median, p95 and worst times. The
badges are checked out again afterwards, so the next run measures the same thing. The exit
status is 1 when a scan does not answer 200 or the p95 reaches 50 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench .venv/bin/python bench/check_in.py

`--clear` removes the hearing, its registrations and the account.
"""

import argparse
import datetime
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from consultations.badges import badge_token  # noqa: E402
from consultations.enums import RegistrationStatus  # noqa: E402
from consultations.models import Hearing, Process, Registration, StatusChange  # noqa: E402
from consultations.roles import DOOR  # noqa: E402

SLUG = "bench-check-in"
USERNAME = "bench-door"
REGISTRATIONS = 5000
SCANS = 200
LIMIT_MS = 50


def bench_hearing():
    hearing = Hearing.objects.filter(slug=SLUG).first()
    if hearing is not None:
        return hearing
    process, _created = Process.objects.get_or_create(
        code="BENCH", defaults={"title": "Bench process", "slug": "bench-process"}
    )
    hearing = Hearing.objects.create(
        process=process,
        title="Bench check-in hearing",
        slug=SLUG,
        date=timezone.localdate(),
        venue="Bench room",
        city="Geneva",
        time_zone="Europe/Zurich",
        organizer="Bench",
        published=True,
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            hearing=hearing,
            name=f"Bench Registrant {n:05d}",
            email=f"bench-registrant-{n}@example.org",
            organization_name="Bench Network",
            category="civil_society",
            status=RegistrationStatus.APPROVED,
            decided_at=now,
        )
        for n in range(REGISTRATIONS)
    )
    return hearing


def door_user():
    user, created = get_user_model().objects.get_or_create(
        username=USERNAME, defaults={"is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=DOOR))
    return user


def clear():
    hearing = Hearing.objects.filter(slug=SLUG).first()
    if hearing is not None:
        with transaction.atomic():
            StatusChange.objects.filter(registration__hearing=hearing).delete()
            Registration.history.filter(hearing_id=hearing.pk).delete()
            hearing.registrations.all().delete()
            hearing.delete()
    get_user_model().objects.filter(username=USERNAME).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clear", action="store_true")
    arguments = parser.parse_args()
    if arguments.clear:
        clear()
        return 0
    # One log line per request would be most of what this prints.
    logging.getLogger("hearings.requests").setLevel(logging.WARNING)
    hearing = bench_hearing()
    user = door_user()
    registrations = list(
        hearing.registrations.filter(checked_in_at__isnull=True).order_by("?")[:SCANS]
    )
    # As the site's own address over HTTPS, so that the production settings answer it.
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    address = f"/api/v1/hearings/{SLUG}/check-in/"
    timings, failures = [], 0
    for registration in registrations:
        payload = {"code": badge_token(registration)}
        started = time.perf_counter()
        response = client.post(address, payload, content_type="application/json", secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        failures += response.status_code != 200
    checked = [r.pk for r in registrations]
    StatusChange.objects.filter(registration_id__in=checked).delete()
    Registration.objects.filter(pk__in=checked).update(checked_in_at=None, checked_in_by=None)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{datetime.date.today()} check-in scans at {hearing.registrations.count()} "
        f"registrations, {len(timings)} scans: median {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, worst {timings[-1]:.1f} ms, failures {failures}"
    )
    return 1 if failures or p95 >= LIMIT_MS else 0


if __name__ == "__main__":
    sys.exit(main())
