from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from optout.guides.models import GuideVersion, PublishConflict, VersionLocked


class Command(BaseCommand):
    help = (
        "Publish a draft of a guide: the only open one, or the one named with --draft N (its "
        "number in the admin, 'linkedin draft N')."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--draft", type=int, metavar="N", help="the draft to publish")
        parser.add_argument("--summary", required=True, help="what changed, for visitors")
        for code in settings.CONTENT_LANGUAGES:
            parser.add_argument(
                f"--summary-{code}", default="", metavar="TEXT",
                help=f"what changed, in {code} (optional; visitors see the English without it)",
            )  # fmt: skip
        parser.add_argument(
            "--recheck",
            action="append",
            default=[],
            metavar="CONTROL",
            help="a control whose visitors must check it again (repeatable)",
        )

    def handle(self, slug: str, draft: int | None, summary: str, recheck: list[str], **options):
        if not summary.strip():
            raise CommandError("--summary must say what changed.")
        drafts = GuideVersion.objects.drafts().filter(guide__slug=slug).order_by("pk")
        if draft is not None:
            found = drafts.filter(pk=draft).first()
            if found is None:
                listed = ", ".join(str(d.pk) for d in drafts) or "none"
                raise CommandError(
                    f"Guide '{slug}' has no open draft {draft} (its open drafts: {listed})."
                )
        else:
            open_drafts = list(drafts.select_related("guide"))
            if not open_drafts:
                raise CommandError(f"Guide '{slug}' has no draft to publish.")
            if len(open_drafts) > 1:
                listed = "\n".join(
                    f"  --draft {d.pk}: {d.title} (started {d.created_at:%Y-%m-%d %H:%M}"
                    + (f" from version {d.based_on_number})" if d.based_on_number else ")")
                    for d in open_drafts
                )
                raise CommandError(
                    f"Guide '{slug}' has {len(open_drafts)} open drafts; say which one to "
                    f"publish:\n{listed}"
                )
            found = open_drafts[0]
        known = set(found.sections.values_list("control__key", flat=True))
        if unknown := sorted(set(recheck) - known):
            raise CommandError(f"Unknown control(s) for --recheck: {', '.join(unknown)}")
        translated = {
            code: text.strip()
            for code in settings.CONTENT_LANGUAGES
            if (text := options.get(f"summary_{code}") or "").strip()
        }
        name = str(found)
        try:
            found.publish(summary.strip(), recheck, translated_summaries=translated)
        except (VersionLocked, PublishConflict) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Published {name} as version {found.number} of '{slug}'.")
