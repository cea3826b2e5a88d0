"""`make restore`: put a backup of `backup_database` back, replacing what the database holds.
Meant for an empty or disposable database: the site should be stopped while it runs."""

import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from consultations.management.commands.backup_database import (
    libpq_arguments,
    media_archive,
    pg_tool,
)


class Command(BaseCommand):
    help = "Restore PREFIX.pgdump or PREFIX.json.gz (and PREFIX-media.tar.gz) written by backup_database."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The .pgdump or .json.gz file.")
        parser.add_argument("--no-input", action="store_true", help="Do not ask to confirm.")

    def handle(self, backup, no_input=False, **options):
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        name = connection.settings_dict["NAME"]
        if not no_input and input(f"Replace everything in {name} with {path}? [y/N] ") != "y":
            raise CommandError("Nothing restored.")
        if path.name.endswith(".pgdump"):
            if connection.vendor != "postgresql":
                raise CommandError("A .pgdump backup restores into PostgreSQL only.")
            prefix = str(path)[: -len(".pgdump")]
            arguments, environment = libpq_arguments(connection.settings_dict)
            connection.close()
            command = [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
            command += ["--no-privileges", "--single-transaction", *arguments, "--dbname", name]
            command.append(str(path))
            # A fixed program, its arguments from settings and the operator's command line.
            result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        elif path.name.endswith(".json.gz"):
            prefix = str(path)[: -len(".json.gz")]
            call_command("migrate", interactive=False, verbosity=0)
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(path), verbosity=0)
        else:
            raise CommandError("Name a .pgdump or .json.gz file written by backup_database.")
        archive = media_archive(prefix)
        if archive.is_file():
            media = Path(settings.MEDIA_ROOT)
            media.mkdir(parents=True, exist_ok=True)
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(media, filter="data")
        self.stdout.write(f"Restored {path} into {name}.")
