from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from optout.guides.content import content_of, write_folder
from optout.guides.models import GuideVersion


class Command(BaseCommand):
    help = (
        "Write the published version of a guide (or --number N, or --draft) as a guide folder, "
        "translations included."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--number", type=int, help="a published version number (default: current)"
        )
        parser.add_argument(
            "--draft", action="store_true", help="the newest draft instead, e.g. for translators"
        )

    def handle(self, slug: str, folder: Path, number: int | None, draft: bool, **options):
        versions = GuideVersion.objects.filter(guide__slug=slug)
        if draft:
            found = versions.drafts().order_by("-pk").first()
        elif number:
            found = versions.public().filter(number=number).first()
        else:
            found = versions.published().first()
        if found is None:
            what = "a draft" if draft else f"version {number}" if number else "a published version"
            raise CommandError(f"There is no guide '{slug}' with {what}.")
        write_folder(content_of(found), folder)
        self.stdout.write(f"Wrote {found} to {folder}")
