import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from consultations.roles import DOOR, EDITORS, VIEWERS

ROLES = {"editor": EDITORS, "viewer": VIEWERS, "door": DOOR}


class Command(BaseCommand):
    help = (
        "Create a secretariat staff account in one role: editors change hearings, decide "
        "registrations and moderate contributions; viewers read only; door staff only check "
        "people in and register walk-ins. The password is asked for unless --password-from-env "
        "names an environment variable holding it. For an account that exists, change its role "
        "(its password stays)."
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
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist:
            raise CommandError("The roles do not exist yet: run manage.py migrate first.") from None
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            self.change_role(existing, group)
            return
        password = self.password(password_from_env)
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(group)
        self.stdout.write(f"Staff user {username!r} created with the role {ROLES[role]}.")

    def change_role(self, user, group):
        """One role at a time: the account leaves the other roles' groups."""
        user.groups.remove(*Group.objects.filter(name__in=ROLES.values()).exclude(pk=group.pk))
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        self.stdout.write(f"Staff user {user.username!r} now has the role {group.name}.")

    def password(self, variable):
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"The environment variable {variable} is empty.")
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask for the password: pass --password-from-env VARIABLE."
            )
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
