from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from optout.guides.content import ContentError, install


class Command(BaseCommand):
    help = "Load the shipped guides that are not in the database yet. Never overwrites."

    def handle(self, **options):
        for folder in sorted(settings.CONTENT_DIR.iterdir()):
            if not (folder / "guide.yaml").is_file():
                continue
            try:
                version = install(folder)
            except ContentError as exc:
                raise CommandError(
                    f"The shipped guide {folder.name} is not valid:\n{exc}"
                ) from None
            if version:
                self.stdout.write(f"Installed the shipped guide '{version.guide.slug}' as v1.")
            else:
                self.stdout.write(f"Guide '{folder.name}' is already installed; left as it is.")
