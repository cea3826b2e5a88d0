"""`make backup`: the whole database, and the uploads, in files a restore reads back.

PostgreSQL is dumped with pg_dump's custom format (consistent while the site runs); SQLite with
dumpdata in natural keys, so a restore onto a freshly migrated database matches content types and
permissions by name. The uploads in MEDIA_ROOT go into a tarball beside the dump."""

import gzip
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

# Rebuilt by migrate on the target; sessions are worth nothing after a restore.
EXCLUDED = ["contenttypes", "auth.permission", "sessions.session"]


def libpq_arguments(settings_dict):
    """pg_dump/pg_restore options naming the database; the password goes in the environment."""
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments += [option, str(settings_dict[key])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


def pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed: install the PostgreSQL client tools.")
    return path


def media_archive(prefix):
    return Path(f"{prefix}-media.tar.gz")


class Command(BaseCommand):
    help = "Write the database (and the uploads) to PREFIX.pgdump or PREFIX.json.gz."

    def add_arguments(self, parser):
        parser.add_argument("prefix", help="Path and name of the backup, without extension.")

    def handle(self, prefix, **options):
        Path(prefix).parent.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "postgresql":
            target = Path(f"{prefix}.pgdump")
            arguments, environment = libpq_arguments(connection.settings_dict)
            command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
            command += [*arguments, "--file", str(target), connection.settings_dict["NAME"]]
            # A fixed program, its arguments from settings and the operator's command line.
            result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            target = Path(f"{prefix}.json.gz")
            with gzip.open(target, "wt", encoding="utf-8") as output:
                call_command(
                    "dumpdata",
                    exclude=EXCLUDED,
                    natural_foreign=True,
                    natural_primary=True,
                    stdout=output,
                    verbosity=0,
                )
        media = Path(settings.MEDIA_ROOT)
        written = [str(target)]
        if media.is_dir() and any(media.iterdir()):
            with tarfile.open(media_archive(prefix), "w:gz") as archive:
                archive.add(media, arcname=".")
            written.append(str(media_archive(prefix)))
        self.stdout.write("Backup written: " + ", ".join(written))
