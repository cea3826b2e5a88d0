import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from consultations.models import Hearing

SEED = "gcm_hearing_2017"


def fixture_hearing_slugs(name):
    for folder in settings.FIXTURE_DIRS:
        path = folder / f"{name}.json"
        if path.exists():
            records = json.loads(path.read_text(encoding="utf-8"))
            return [r["fields"]["slug"] for r in records if r["model"] == "consultations.hearing"]
    return []


class Command(BaseCommand):
    help = (
        "Load the seed hearing's fixture into a database that does not hold it yet. Unlike "
        "loaddata, it leaves a database that has the hearing alone, so the secretariat's edits "
        "survive the next `make run`."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixture", nargs="?", default=SEED)

    def handle(self, *args, fixture, **options):
        slugs = fixture_hearing_slugs(fixture)
        if slugs and Hearing.objects.filter(slug__in=slugs).exists():
            self.stdout.write(f"The database already holds {', '.join(slugs)}: nothing loaded.")
            return
        call_command("loaddata", fixture, verbosity=0)
        loaded = Hearing.objects.filter(slug__in=slugs).values_list("title", "date")
        for title, date in loaded:
            self.stdout.write(f"Loaded the seed hearing: {title}, {date:%d %B %Y}.")
