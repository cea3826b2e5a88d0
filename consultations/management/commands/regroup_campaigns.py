import time

from django.core.management.base import BaseCommand

from consultations.campaigns import regroup


class Command(BaseCommand):
    help = (
        "Rebuild the campaign groups of every contribution from their texts (near copies joined "
        "at a similarity of 0.8 or more), and the index new contributions are grouped through."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        contributions, groups = regroup()
        self.stdout.write(
            f"Grouped {contributions} contributions; {groups} groups of two or more, "
            f"in {time.monotonic() - started:.1f} s."
        )
