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

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction

from .content import ContentError, create_draft, read_folder, version_content
from .models import Guide, GuideVersion, PublishConflict, VersionLocked

RELEASE_FILE = "release.yaml"
FIRST_SUMMARY = "First version, from the shipped guide files."


@dataclass
class Outcome:
    version: GuideVersion | None
    message: str


def read_release(folder: Path, content: dict) -> dict | None:
    """The folder's release notes, checked against its content; None when it has none."""
    path = Path(folder) / RELEASE_FILE
    if not path.is_file():
        return None
    problems = []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ContentError([(RELEASE_FILE, "YAML", f"cannot be read: {exc}")]) from None
    if not isinstance(data, dict):
        raise ContentError([(RELEASE_FILE, "YAML", "must be a mapping of fields")])
    for key in sorted(set(data) - {"summary", "recheck"}):
        problems.append((RELEASE_FILE, str(key), "is not a known field"))
    summary = data.get("summary")
    languages = {code for code, _name in settings.LANGUAGES}
    if not isinstance(summary, dict) or not str(summary.get("en") or "").strip():
        problems.append((RELEASE_FILE, "summary", "needs an English text under 'en'"))
        summary = {}
    for code, text in summary.items():
        if code not in languages:
            problems.append((RELEASE_FILE, f"summary.{code}", "is not a language of the site"))
        elif not isinstance(text, str):
            problems.append((RELEASE_FILE, f"summary.{code}", "must be text"))
    recheck = data.get("recheck") or []
    controls = {control["key"] for control in content["controls"]}
    if not isinstance(recheck, list):
        problems.append((RELEASE_FILE, "recheck", "must be a list of control keys"))
        recheck = []
    for key in recheck:
        if key not in controls:
            problems.append((RELEASE_FILE, "recheck", f"{key!r} is not a control of this guide"))
    if problems:
        raise ContentError(problems)
    return {
        "summary": {code: text.strip() for code, text in summary.items() if text.strip()},
        "recheck": [str(key) for key in recheck],
    }


def install_or_update(folder: Path | str) -> Outcome:
    """Install a shipped guide, or publish (or offer as a draft) its newer shipped content.

    Never changes what editors published: their version stays until they publish another.
    """
    content = read_folder(folder)
    release = read_release(Path(folder), content)
    slug = content["slug"]
    guide = Guide.objects.filter(slug=slug).first()
    try:
        with transaction.atomic():
            if guide is None:
                return _publish(create_draft(content), FIRST_SUMMARY, [], {}, "Installed")
            published = GuideVersion.objects.with_content().published().filter(guide=guide)
            published = published.first()
            if published is not None and version_content(published) == content:
                return Outcome(None, f"Guide '{slug}' is up to date (v{published.number}).")
            for draft in GuideVersion.objects.with_content().drafts().filter(guide=guide):
                if version_content(draft) == content:
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
