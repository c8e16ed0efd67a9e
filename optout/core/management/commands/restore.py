from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from optout.checklists.models import Checklist
from optout.guides.models import Guide


class Command(BaseCommand):
    help = "Load a backup written by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="first delete everything in the database"
        )

    def handle(self, file: Path, replace: bool, **options):
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
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
