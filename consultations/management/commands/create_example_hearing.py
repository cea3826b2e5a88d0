"""An upcoming hearing with open registration and contribution windows, for trying the public
forms. Everything it makes is marked as an example: its own process (“Example process”, code EX,
so contribution references read EX-…), a title starting “Example:” and a description that says it
is not a real hearing. It never touches the real record. Run it again to reopen the windows from
now; `--clear` removes the example and whatever was sent to it."""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from consultations.enums import SegmentKind
from consultations.models import (
    AccreditationRule,
    Contribution,
    Hearing,
    Process,
    Registration,
    Segment,
    StatusChange,
)
from stakeholders.enums import StakeholderCategory

PROCESS_SLUG = "example-process"
HEARING_SLUG = "example-upcoming-hearing"
DESCRIPTION = (
    "EXAMPLE ONLY — this is not a real hearing. It was made by "
    "`python manage.py create_example_hearing` so that the registration and contribution forms "
    "can be tried. Remove it with `python manage.py create_example_hearing --clear`."
)


class Command(BaseCommand):
    help = "Create (or reopen) a clearly marked example hearing whose forms are open."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Days from today to the hearing.")
        parser.add_argument("--clear", action="store_true", help="Remove the example hearing.")

    @transaction.atomic
    def handle(self, *args, days, clear, **options):
        if clear:
            self.clear()
            return
        now = timezone.now()
        process, _created = Process.objects.update_or_create(
            slug=PROCESS_SLUG,
            defaults={
                "title": "Example process",
                "code": "EX",
                "description": "EXAMPLE ONLY — for trying the public forms; not a real process.",
            },
        )
        date = timezone.localdate() + datetime.timedelta(days=max(days, 2))
        hearing, _created = Hearing.objects.update_or_create(
            slug=HEARING_SLUG,
            defaults={
                "process": process,
                "title": "Example: upcoming multi-stakeholder hearing (not a real hearing)",
                "date": date,
                "start_time": datetime.time(10, 0),
                "end_time": datetime.time(13, 0),
                "venue": "Example room",
                "city": "Geneva",
                "country": "CH",
                "time_zone": "Europe/Zurich",
                "organizer": "Example organizer",
                "description": DESCRIPTION,
                "capacity": 50,
                "registration_opens": now - datetime.timedelta(hours=1),
                "registration_closes": now + datetime.timedelta(days=max(days, 2) - 1),
                "contributions_open": now - datetime.timedelta(hours=1),
                "contributions_close": now + datetime.timedelta(days=max(days, 2) - 1),
                "published": True,
            },
        )
        for order, (kind, title) in enumerate(
            [
                (SegmentKind.OPENING, "Example: opening segment"),
                (SegmentKind.PANEL, "Example: panel on regular pathways"),
                (SegmentKind.CLOSING, "Example: closing segment"),
            ],
            start=1,
        ):
            Segment.objects.update_or_create(
                hearing=hearing, order=order, defaults={"kind": kind, "title": title}
            )
        AccreditationRule.objects.update_or_create(
            hearing=hearing,
            category=StakeholderCategory.MEMBER_STATE,
            defaults={"letter_required": True, "max_per_organization": 2},
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Example hearing ready at {hearing.get_absolute_url()} — forms open until "
                f"{timezone.localtime(hearing.registration_closes, hearing.zone):%Y-%m-%d %H:%M} "
                f"({hearing.time_zone}):\n"
                f"  /hearings/{hearing.slug}/register/\n"
                f"  /hearings/{hearing.slug}/contribute/"
            )
        )

    def clear(self):
        hearings = Hearing.objects.filter(slug=HEARING_SLUG, process__slug=PROCESS_SLUG)
        StatusChange.objects.filter(registration__hearing__in=hearings).delete()
        StatusChange.objects.filter(contribution__hearing__in=hearings).delete()
        Registration.objects.filter(hearing__in=hearings).delete()
        Contribution.objects.filter(hearing__in=hearings).delete()
        count, _detail = hearings.delete()
        Process.objects.filter(slug=PROCESS_SLUG, hearings__isnull=True).delete()
        self.stdout.write(f"Removed the example hearing ({count} rows).")
