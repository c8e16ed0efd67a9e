"""The guides shipped with optout (`content/<slug>/`), installed and kept up to date.

A fresh site gets each shipped guide as its version 1. On an existing site, a shipped folder
that differs from the published version is imported as a new draft, the way an editor imports a
folder. If the published version is itself one that was shipped (no editor has published since),
the draft is published at once with the folder's release notes (`release.yaml`): a new version,
so visitors see what changed and why and, for the controls it names, are asked to check again.
If editors have published their own version, the shipped one waits as a draft for them.

`release.yaml` (optional):

    summary:            # what changed, for visitors (English required; fr and de optional)
      en: "..."
      fr: "..."
      de: "..."
    recheck: [ai-training]   # controls whose steps changed meaning (may be empty)
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction

from .content import ContentError, content_of, create_draft, read_folder
from .models import Guide, GuideVersion, PublishConflict, VersionLocked
from .schema import GuideContent

RELEASE_FILE = "release.yaml"
FIRST_SUMMARY = "First version, from the shipped guide files."


@dataclass
class Outcome:
    version: GuideVersion | None
    message: str


def release_notes(content: GuideContent) -> dict | None:
    """The folder's release notes (release.yaml, read and typed with the rest of the folder);
    None when it has none."""
    release = content.release
    if release is None:
        return None
    if not (release.summary.get("en") or "").strip():
        raise ContentError([(RELEASE_FILE, "summary", "needs an English text under 'en'")])
    return {
        "summary": {code: text.strip() for code, text in release.summary.items() if text.strip()},
        "recheck": list(release.recheck),
    }


def _same(version: GuideVersion, content: GuideContent) -> bool:
    """Whether a version holds exactly this content (release notes are not content)."""
    return content_of(version).model_dump() == content.model_dump()


def install_or_update(folder: Path | str) -> Outcome:
    """Install a shipped guide, or publish (or offer as a draft) its newer shipped content.

    Never changes what editors published: their version stays until they publish another.
    """
    content = read_folder(folder)
    release = release_notes(content)
    slug = content.slug
    guide = Guide.objects.filter(slug=slug).first()
    try:
        with transaction.atomic():
            if guide is None:
                return _publish(create_draft(content), FIRST_SUMMARY, [], {}, "Installed")
            published = GuideVersion.objects.with_content().published().filter(guide=guide)
            published = published.first()
            if published is not None and _same(published, content):
                return Outcome(None, f"Guide '{slug}' is up to date (v{published.number}).")
            for draft in GuideVersion.objects.with_content().drafts().filter(guide=guide):
                if _same(draft, content):
                    return Outcome(
                        None,
                        f"The shipped release of '{slug}' is waiting as a draft for an editor "
                        "to review and publish.",
                    )
            draft = create_draft(content)
            if published is None or (published.from_shipped_files and release is not None):
                summary = release["summary"] if release else {"en": FIRST_SUMMARY}
                translated = {code: text for code, text in summary.items() if code != "en"}
                recheck = release["recheck"] if release else []
                return _publish(draft, summary["en"], recheck, translated, "Published")
    except (IntegrityError, PublishConflict, VersionLocked):
        # Another process installed or published it at the same moment.
        return Outcome(None, f"Guide '{slug}' was just installed by another process.")
    if not published.from_shipped_files:
        why = "editors have published their own version, which stays"
    else:
        why = f"the folder has no {RELEASE_FILE} saying what changed"
    return Outcome(
        draft,
        f"Imported the shipped release of '{slug}' as a draft, not published: {why}. "
        f"Review it in the admin, or run: manage.py publishguide {slug} --summary '...'",
    )


def _publish(draft, summary, recheck, translated, verb) -> Outcome:
    draft.from_shipped_files = True
    draft.save(update_fields=["from_shipped_files"])
    draft.publish(summary, recheck, translated_summaries=translated)
    return Outcome(draft, f"{verb} the shipped guide '{draft.guide.slug}' as v{draft.number}.")
