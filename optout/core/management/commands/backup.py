from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` or not worth keeping; everything else is in the backup.
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]


class Command(BaseCommand):
    help = (
        "Write guides, versions, checklists, users and groups to a JSON file. Uploaded "
        "screenshots live in DATA_DIR/media: copy that folder too."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file: Path, **options):
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--natural-primary",
            *[f"--exclude={label}" for label in EXCLUDE],
            "--indent=1",
            f"--output={file}",
            verbosity=0,
        )
        self.stdout.write(f"Wrote the backup to {file}")
