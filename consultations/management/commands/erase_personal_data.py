from django.core.management.base import BaseCommand, CommandError

from consultations.privacy import erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase what the platform holds about an email address; published contributions stay "
        'as "Anonymous". Run export_personal_data first if the person asked for a copy.'
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--no-input", action="store_true", help="Do not ask to confirm.")

    def handle(self, email, no_input=False, **options):
        email = email.strip()
        if "@" not in email:
            raise CommandError(f"{email!r} is not an email address.")
        if not no_input and input(f"Erase everything held about {email}? [y/N] ") != "y":
            raise CommandError("Nothing erased.")
        for what, count in erase_personal_data(email).items():
            self.stdout.write(f"{what}: {', '.join(count) if isinstance(count, list) else count}")
