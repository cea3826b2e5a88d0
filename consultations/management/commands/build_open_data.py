"""Build the open-data zip served at /api/v1/open-data/ (consultations.opendata_file).

Run it from cron every minute; it builds only when a public record changed since the last build,
and at most once every OPEN_DATA_BUILD_MINUTES:

    * * * * * cd /srv/hearings && .venv/bin/python manage.py build_open_data --quiet
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.opendata_file import OPEN_DATA_NAME, build_once


class Command(BaseCommand):
    help = (
        "Build the open-data zip into the default storage when the published record changed, "
        f"at most once every OPEN_DATA_BUILD_MINUTES ({settings.OPEN_DATA_BUILD_MINUTES})."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="build now, due or not")
        parser.add_argument("--quiet", action="store_true", help="print only what was built")

    def handle(self, *args, force, quiet, **options):
        started = time.monotonic()
        size, what = build_once(force=force)
        if size is None:
            if not quiet:
                self.stdout.write(f"Nothing built: {what}.")
            return
        self.stdout.write(
            f"Built {OPEN_DATA_NAME} ({what}): {size:,} bytes in "
            f"{time.monotonic() - started:.1f} s."
        )
