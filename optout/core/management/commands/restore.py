import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from optout.checklists.models import Checklist
from optout.guides.models import Guide

from .backup import key_file


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` into an empty, migrated database, and put back the "
        "generated secret key saved next to it (FILE.secret_key)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="first delete everything in the database"
        )

    def handle(self, file: Path, replace: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        saved_key = key_file(file).read_text().strip() if key_file(file).is_file() else None
        from_environment = os.environ.get("SECRET_KEY")
        if saved_key and from_environment and from_environment != saved_key:
            raise CommandError(
                f"The backup was made with the key in {key_file(file)}, but SECRET_KEY is set to "
                "another one: visitors' checklist cookies would stop working. Set SECRET_KEY to "
                "the saved key, or unset it to use the saved key from the data folder."
            )
        if (Guide.objects.exists() or Checklist.objects.exists()) and not replace:
            raise CommandError(
                "This database already holds guides or checklists. Restore into a new database, "
                "or pass --replace to delete everything first."
            )
        if replace:
            call_command("flush", "--noinput", verbosity=0)
        with transaction.atomic():
            call_command("loaddata", str(file), verbosity=0)
        self.stdout.write(f"Restored {file}")
        if saved_key and not from_environment and saved_key != settings.SECRET_KEY:
            path = settings.SECRET_KEY_FILE
            path.touch(mode=0o600)
            path.chmod(0o600)
            path.write_text(saved_key)
            self.stdout.write(
                f"Put the backup's secret key into {path}. Restart the app servers to use it."
            )
        elif not saved_key and not from_environment:
            self.stdout.write(
                self.style.WARNING(
                    f"No {key_file(file).name} next to the backup: unless this data folder has "
                    "the old secret key, visitors' checklist cookies no longer work (their "
                    "resume codes still do)."
                )
            )
