import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from consultations.roles import EDITORS, VIEWERS

ROLES = {"editor": EDITORS, "viewer": VIEWERS}


class Command(BaseCommand):
    help = (
        "Create a secretariat staff account in one role: editors change hearings, decide "
        "registrations and moderate contributions; viewers read only. The password is asked for "
        "unless --password-from-env names an environment variable holding it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=sorted(ROLES), default="viewer")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable (for scripts).",
        )

    def handle(self, *args, username, email, role, password_from_env, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist:
            raise CommandError("The roles do not exist yet: run manage.py migrate first.") from None
        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(group)
        self.stdout.write(f"Staff user {username!r} created with the role {ROLES[role]}.")
