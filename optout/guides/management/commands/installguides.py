from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from optout.guides.content import ContentError
from optout.guides.shipped import install_or_update


class Command(BaseCommand):
    help = (
        "Install the shipped guides, and publish a newer shipped release of a guide as a new "
        "version (as a draft only, if editors have published their own). Never overwrites."
    )

    def handle(self, **options):
        for folder in sorted(settings.CONTENT_DIR.iterdir()):
            if not (folder / "guide.yaml").is_file():
                continue
            try:
                outcome = install_or_update(folder)
            except ContentError as exc:
                raise CommandError(
                    f"The shipped guide {folder.name} is not valid:\n{exc}"
                ) from None
            self.stdout.write(outcome.message)
