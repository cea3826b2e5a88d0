from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.privacy import purge_registrations


class Command(BaseCommand):
    help = (
        "Delete registrations of hearings held more than DJANGO_REGISTRATION_RETENTION_DAYS "
        "days ago (run it daily from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Override the retention period (now {settings.REGISTRATION_RETENTION_DAYS}).",
        )

    def handle(self, days=None, **options):
        count, cutoff = purge_registrations(days)
        self.stdout.write(f"{count} registrations of hearings held before {cutoff} deleted.")
