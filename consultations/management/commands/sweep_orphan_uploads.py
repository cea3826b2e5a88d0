from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from consultations.models import Contribution, Registration

# The folders uploads are stored in (see random_upload_name), with the field pointing at them.
UPLOAD_FOLDERS = {
    "contributions": (Contribution, "attachment"),
    "nominations": (Registration, "nomination_letter"),
}


class Command(BaseCommand):
    help = (
        "Delete uploaded files no record points to: what a worker killed between saving a file "
        "and committing its record leaves behind. Files younger than --min-age minutes are kept, "
        "as their request may still be running. Run it from cron, e.g. daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--min-age", type=int, default=60, help="minutes (default 60)")
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args, min_age, dry_run, **options):
        cutoff = timezone.now() - timedelta(minutes=min_age)
        swept = 0
        for folder, (model, field) in UPLOAD_FOLDERS.items():
            if not default_storage.exists(folder):
                continue
            referenced = set(
                model.objects.exclude(**{field: ""}).values_list(field, flat=True).iterator()
            )
            for filename in default_storage.listdir(folder)[1]:
                name = f"{folder}/{filename}"
                if name in referenced or default_storage.get_modified_time(name) > cutoff:
                    continue
                self.stdout.write(f"orphan: {name}")
                if not dry_run:
                    default_storage.delete(name)
                swept += 1
        self.stdout.write(f"{swept} orphan file(s) {'found' if dry_run else 'deleted'}.")
