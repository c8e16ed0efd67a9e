"""Guide content in the visitor's language.

English is the source. `localize()` swaps a version's pieces (loaded with `with_content()`) to
their translation in the active language, in memory only, and marks each piece with
`translation_state`:

- "source": the page is in English;
- "translated": shown translated, and the translation matches today's English;
- "outdated": shown translated, but the English changed after it was translated;
- "missing": no translation, shown in English;
- "empty": nothing to translate (for example a rule without a note).
"""

from django.conf import settings
from django.utils.translation import get_language

from .diff import word_diff
from .models import GuideVersion, Translation

Kind = Translation.Kind

RELATED = {
    Kind.SECTION: "sections",
    Kind.STEP: "steps",
    Kind.FAQ: "faq_entries",
    Kind.RULE: "region_rules",
}


def content_language() -> str | None:
    """The active language if guide content can be translated into it, else None."""
    language = get_language() or settings.LANGUAGE_CODE
    return language if language in settings.CONTENT_LANGUAGES else None


def pieces(version: GuideVersion):
    """(kind, piece) for everything in a version that can be translated."""
    yield Kind.VERSION, version
    for kind, related in RELATED.items():
        for piece in getattr(version, related).all():
            yield kind, piece


def apply(kind: str, piece, translation: Translation | None) -> str:
    """Swap `piece`'s fields to `translation` where it has them; return the piece's state.

    `piece.english_fields` names the fields still shown in English (templates mark them
    lang="en"), for a piece with no translation or only part of one."""
    english = Translation.english(kind, piece)
    piece.english_fields = {field for field, value in english.items() if value}
    if not piece.english_fields:
        return "empty"
    if translation is None:
        return "missing"
    outdated = translation.is_outdated(piece)
    for field, value in translation.text.items():
        if field in piece.english_fields and value:
            setattr(piece, field, value)
            if field.endswith("_md"):
                setattr(piece, field[:-3] + "_html", translation.html.get(field, ""))
            piece.english_fields.discard(field)
    return "outdated" if outdated else "translated"


def localize(version: GuideVersion, language: str | None = None) -> GuideVersion:
    """Show `version` in `language` (default: the active one). Never saved; idempotent."""
    language = language or content_language()
    if getattr(version, "shown_language", None) is not None:
        return version
    version.shown_language = language or settings.LANGUAGE_CODE
    if language is None:
        for _kind, piece in pieces(version):
            piece.translation_state = "source"
            piece.english_fields = set()
        version.translated_count = 0
        return version
    found = {
        (t.kind, t.object_id): t
        for t in Translation.objects.filter(version=version, language=language).exclude(
            kind=Kind.CHANGE
        )
    }
    states = []
    for kind, piece in pieces(version):
        piece.translation_state = apply(kind, piece, found.get((kind, piece.pk)))
        states.append(piece.translation_state)
    version.translated_count = sum(state in ("translated", "outdated") for state in states)
    return version


def _for_versions(versions: list[GuideVersion], kind: str, language: str) -> dict:
    """{version pk: its `kind` translation into `language`} for a listing, in one query."""
    found = Translation.objects.filter(version__in=versions, language=language, kind=kind)
    return {t.version_id: t for t in found}


def localize_titles(versions: list[GuideVersion]) -> list[GuideVersion]:
    """Title and summary of each version, for listings (one query)."""
    language = content_language()
    if language and versions:
        found = _for_versions(versions, Kind.VERSION, language)
        for version in versions:
            version.translation_state = apply(Kind.VERSION, version, found.get(version.pk))
    return versions


def localize_change_summaries(versions: list[GuideVersion]) -> list[GuideVersion]:
    """Each version's "what changed" summary in the active language, where it has one."""
    language = content_language()
    found = _for_versions(versions, Kind.CHANGE, language) if language and versions else {}
    for version in versions:
        if language is None:
            version.summary_state = "source"
        else:
            version.summary_state = apply(Kind.CHANGE, version, found.get(version.pk))
    return versions


def section_names(version: GuideVersion) -> dict[str, str]:
    """{control key: the section's name in the active language} (two small queries)."""
    sections = list(version.sections.select_related("control"))
    language = content_language()
    found = {}
    if language:
        found = {
            t.object_id: t
            for t in version.translations.filter(language=language, kind=Kind.SECTION)
        }
    for section in sections:
        apply(Kind.SECTION, section, found.get(section.pk))
    return {section.key: section.name for section in sections}


def review(version: GuideVersion, *, missing: bool = False) -> list[dict]:
    """Every translation of `version` (and, with `missing`, every piece without one) with its
    piece, state and, where outdated, the English diff field by field since it was
    translated. For editors."""
    version = GuideVersion.objects.with_content().get(pk=version.pk)
    found = {
        (t.kind, t.object_id, t.language): t for t in version.translations.exclude(kind=Kind.CHANGE)
    }
    rows = []
    for language in settings.CONTENT_LANGUAGES:
        for kind, piece in pieces(version):
            english = Translation.english(kind, piece)
            translation = found.get((kind, piece.pk, language))
            if translation is None and not (missing and any(english.values())):
                continue
            changes = english_changes(translation, english) if translation else []
            state = "missing" if translation is None else "outdated" if changes else "translated"
            rows.append(
                {
                    "language": language,
                    "kind": kind,
                    "piece": piece,
                    "label": label(kind, piece),
                    "translation": translation,
                    "state": state,
                    "outdated": bool(changes),
                    "changes": changes,
                }
            )
    return rows


def english_changes(translation: Translation, english: dict[str, str]) -> list[dict]:
    """For each field the translation translates whose English changed since: the word diff
    from the English it translated to today's, and the translation."""
    source = Translation.normalized(translation.source)
    english = Translation.normalized(english)
    return [
        {
            "field": field,
            "diff": word_diff(source.get(field, ""), value),
            "translation": translation.text[field],
        }
        for field, value in english.items()
        if translation.text.get(field) and source.get(field, "") != value
    ]


def label(kind: str, piece) -> str:
    """How editors recognise a piece: in English, the language it is written in."""
    if kind == Kind.VERSION:
        return "Title and introduction"
    if kind == Kind.SECTION:
        return f"Control: {piece.name}"
    if kind == Kind.STEP:
        return f"Step {piece.order}: {piece.title}"
    if kind == Kind.FAQ:
        return f"Question {piece.order}: {piece.question}"
    return f"Region note: {piece.control.key}, {piece.region}, from {piece.starts or 'the start'}"


def counts(version: GuideVersion) -> dict[str, tuple[int, int]]:
    """{language: (translated pieces, outdated pieces)} for `version`."""
    result: dict[str, tuple[int, int]] = {}
    for row in review(version):
        total, outdated = result.get(row["language"], (0, 0))
        result[row["language"]] = (total + 1, outdated + row["outdated"])
    return result
