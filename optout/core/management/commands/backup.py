import os
from pathlib import Path

from django.conf import settings
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


def key_file(backup: Path) -> Path:
    """Where the generated secret key is kept next to a backup."""
    return backup.with_name(backup.name + ".secret_key")


class Command(BaseCommand):
    help = (
        "Write guides, versions, checklists, users and groups to a JSON file, and the generated "
        "secret key next to it (FILE.secret_key), which visitors' checklist cookies need. "
        "Uploaded screenshots live in DATA_DIR/media: copy that folder too."
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
        if os.environ.get("SECRET_KEY"):
            self.stdout.write(
                "The secret key comes from SECRET_KEY, so it is not in the backup: restore with "
                "the same SECRET_KEY, or visitors' checklist cookies stop working."
            )
            return
        keep = key_file(file)
        keep.touch(mode=0o600)
        keep.chmod(0o600)
        keep.write_text(settings.SECRET_KEY + "\n")
        self.stdout.write(
            f"Wrote the generated secret key to {keep}: visitors' checklist cookies are signed "
            "with it, and `restore` puts it back. Keep it as private as the backup."
        )
