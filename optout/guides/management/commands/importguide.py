from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from optout.guides import translation
from optout.guides.content import ContentError, create_draft, read_folder


class Command(BaseCommand):
    help = "Create a new draft version of a guide from a guide folder. Publishes nothing."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, folder: Path, **options):
        try:
            version = create_draft(read_folder(folder))
        except ContentError as exc:
            raise CommandError(f"{folder} was not imported; nothing changed.\n{exc}") from None
        self.stdout.write(
            f"Imported {folder} as a new draft of '{version.guide.slug}' "
            f"({version.steps.count()} steps, {version.faq_entries.count()} FAQ entries). "
            f"Publish it with: manage.py publishguide {version.guide.slug} --summary '...'"
        )
        for language, (total, outdated) in sorted(translation.counts(version).items()):
            self.stdout.write(
                f"Translations into {language}: {total} pieces, {outdated} outdated "
                "(their English changed since they were translated)."
            )
