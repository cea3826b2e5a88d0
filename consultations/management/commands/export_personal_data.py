import json

from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from consultations.privacy import personal_data


class Encoder(DjangoJSONEncoder):
    """Dates as ISO 8601, and countries and the like as their text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


class Command(BaseCommand):
    help = "Print, as JSON, everything the platform holds about an email address."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, email, **options):
        data = personal_data(email.strip())
        self.stdout.write(json.dumps(data, cls=Encoder, ensure_ascii=False, indent=2))
