from django.core.management.base import BaseCommand, CommandError

from optout.guides.models import GuideVersion


class Command(BaseCommand):
    help = "Publish the newest draft of a guide."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--summary", required=True, help="what changed, for visitors")
        parser.add_argument(
            "--recheck",
            action="append",
            default=[],
            metavar="CONTROL",
            help="a control whose visitors must check it again (repeatable)",
        )

    def handle(self, slug: str, summary: str, recheck: list[str], **options):
        if not summary.strip():
            raise CommandError("--summary must say what changed.")
        draft = GuideVersion.objects.drafts().filter(guide__slug=slug).order_by("-pk").first()
        if draft is None:
            raise CommandError(f"Guide '{slug}' has no draft to publish.")
        known = set(draft.sections.values_list("control__key", flat=True))
        if unknown := sorted(set(recheck) - known):
            raise CommandError(f"Unknown control(s) for --recheck: {', '.join(unknown)}")
        draft.publish(summary.strip(), recheck)
        self.stdout.write(f"Published {draft}.")
