from django.core.management.base import BaseCommand

from consultations.models import Hearing


class Command(BaseCommand):
    help = (
        "Work out again when each hearing's date begins and ends at its venue (day_starts, "
        "day_ends), which decide whether it is upcoming, today or past. Saving a hearing keeps "
        "them; run this after an update of the time zone rules (tzdata) moves a venue's offset."
    )

    def handle(self, *args, **options):
        changed = []
        for hearing in Hearing.objects.only("date", "time_zone", "day_starts", "day_ends"):
            before = (hearing.day_starts, hearing.day_ends)
            hearing.set_venue_day()
            if (hearing.day_starts, hearing.day_ends) != before:
                changed.append(hearing)
        # An update, not a save: nothing of the hearing changes but when its day falls.
        Hearing.objects.bulk_update(changed, ["day_starts", "day_ends"], batch_size=500)
        self.stdout.write(f"{len(changed)} hearing(s) had their day at the venue corrected.")
