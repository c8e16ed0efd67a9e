"""Guide folders: the reviewable file format of a guide version.

    <folder>/guide.yaml        the guide, its sources, controls and region rules
    <folder>/steps/NN-*.md     one step each: YAML front matter, then the Markdown body
    <folder>/faq/NN-*.md       one FAQ entry each, the same way
    <folder>/guide.LL.yaml     translations (LL: fr, de) of the guide's title and intro, its
                               controls and its region notes
    <folder>/steps/NN-*.LL.md  the translation of one step (or FAQ entry) into language LL

A translation file holds the translated fields and, under `english:`, the English it was
translated from. When that is not today's English the translation is imported as *outdated*.

`read_folder()` parses and validates a folder into a plain dict (the *content*), naming the file
and field of every problem; `create_draft()` turns content into a new draft version;
`version_content()` and `write_folder()` go the other way. Export -> import gives equal content.
"""

import datetime
import re
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .models import (
    AuditEntry,
    Control,
    FaqEntry,
    Guide,
    GuideVersion,
    Platform,
    RegionRule,
    Section,
    Source,
    Step,
    Translation,
)
from .regions import Region

KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_url = URLValidator(schemes=["https", "http"])


class ContentError(Exception):
    """A guide folder is not valid. `problems` lists every (file, field, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__(
            "\n".join(f"{file}: {field}: {message}" for file, field, message in problems)
        )


class _Checker:
    """Collects problems so that one run reports all of them."""

    def __init__(self):
        self.problems: list[tuple[str, str, str]] = []

    def add(self, file: str, field: str, message: str) -> None:
        self.problems.append((file, field, message))

    def keys(self, file: str, data: dict, required: set[str], optional: set[str] = frozenset()):
        for key in sorted(required - data.keys()):
            self.add(file, key, "is missing")
        for key in sorted(data.keys() - required - optional):
            self.add(file, str(key), "is not a known field")

    def text(self, file: str, data: dict, field: str, *, required=True, max_length=None) -> str:
        value = data.get(field, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(file, field, f"must be text, not {type(value).__name__}")
            return ""
        value = value.strip()
        if required and not value:
            self.add(file, field, "must not be empty")
        if max_length and len(value) > max_length:
            self.add(file, field, f"is longer than {max_length} characters")
        return value

    def url(self, file: str, data: dict, field: str) -> str:
        value = self.text(file, data, field, required=False)
        if value:
            try:
                _url(value)
            except ValidationError:
                self.add(file, field, f"{value!r} is not an http(s) URL")
        return value

    def key(self, file: str, data: dict, field: str) -> str:
        value = self.text(file, data, field)
        if value and not KEY_RE.match(value):
            self.add(file, field, f"{value!r} must be lowercase letters, digits and hyphens")
        return value

    def order(self, file: str, data: dict, seen: dict[int, str]) -> int:
        value = data.get("order")
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            if "order" in data:
                self.add(file, "order", "must be a whole number from 1 up")
            return 0
        if value in seen:
            self.add(file, "order", f"{value} is also used by {seen[value]}")
        seen[value] = file
        return value

    def date(self, file: str, data: dict, field: str) -> datetime.date | None:
        value = data.get(field)
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        self.add(file, field, f"{value!r} must be a date like 2025-11-03, or null")
        return None

    def source_list(self, file: str, data: dict, known: set[str]) -> list[str]:
        value = data.get("sources")
        if not isinstance(value, list) or not value:
            if "sources" in data:
                self.add(file, "sources", "must be a non-empty list of source keys")
            return []
        for key in value:
            if key not in known:
                self.add(file, "sources", f"{key!r} is not a source listed in guide.yaml")
        return [str(key) for key in value]


def _load_yaml(checker: _Checker, file: str, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        checker.add(file, "YAML", f"cannot be read{line}: {getattr(exc, 'problem', exc)}")
        return None


def _split_front_matter(checker: _Checker, file: str, text: str) -> tuple[dict | None, str]:
    text = text.lstrip("\ufeff")
    match = re.match(r"^---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)(.*)$", text, re.DOTALL)
    if not match:
        checker.add(file, "front matter", "the file must start with a '---' line and a YAML block")
        return None, ""
    data = _load_yaml(checker, file, match.group(1))
    if data is not None and not isinstance(data, dict):
        checker.add(file, "front matter", "must be a YAML mapping of fields")
        return None, ""
    return data, match.group(2).strip()


def _read(checker: _Checker, path: Path, rel: str) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        checker.add(rel, "file", "is not UTF-8 text")
    except OSError as exc:
        checker.add(rel, "file", f"cannot be read: {exc.strerror}")
    return None


def read_folder(folder: Path | str) -> dict:
    """Parse and validate a guide folder. Raises ContentError listing every problem."""
    folder = Path(folder)
    c = _Checker()
    if not (folder / "guide.yaml").is_file():
        raise ContentError([(str(folder), "guide.yaml", "is missing: not a guide folder")])

    raw = _read(c, folder / "guide.yaml", "guide.yaml")
    meta = _load_yaml(c, "guide.yaml", raw) if raw is not None else None
    if not isinstance(meta, dict):
        if not c.problems:
            c.add("guide.yaml", "YAML", "must be a mapping of fields")
        raise ContentError(c.problems)

    g = "guide.yaml"
    c.keys(g, meta, {"slug", "title", "platform", "summary", "intro", "sources", "controls"},
           {"region_rules"})  # fmt: skip
    content: dict[str, Any] = {
        "slug": c.key(g, meta, "slug"),
        "title": c.text(g, meta, "title", max_length=200),
        "summary": c.text(g, meta, "summary", max_length=300),
        "intro": c.text(g, meta, "intro"),
    }

    platform = meta.get("platform")
    if isinstance(platform, dict):
        c.keys(g, platform, {"slug", "name", "url"})
        content["platform"] = {
            "slug": c.key(g, platform, "slug"),
            "name": c.text(g, platform, "name", max_length=100),
            "url": c.url(g, platform, "url"),
        }
    else:
        c.add(g, "platform", "must be a mapping with slug, name and url")

    sources = []
    for i, item in enumerate(meta.get("sources") or []):
        field = f"sources[{i}]"
        if not isinstance(item, dict):
            c.add(g, field, "must be a mapping")
            continue
        c.keys(f"{g} {field}", item, {"key", "title", "publisher"}, {"published", "url"})
        sources.append(
            {
                "key": c.key(f"{g} {field}", item, "key"),
                "title": c.text(f"{g} {field}", item, "title", max_length=300),
                "publisher": c.text(f"{g} {field}", item, "publisher", max_length=200),
                "published": c.text(f"{g} {field}", item, "published", required=False),
                "url": c.url(f"{g} {field}", item, "url"),
            }
        )
    keys = [s["key"] for s in sources]
    for key in {k for k in keys if keys.count(k) > 1}:
        c.add(g, "sources", f"the key {key!r} is listed twice")
    if not sources and "sources" in meta:
        c.add(g, "sources", "must list at least one source")
    known_sources = set(keys)
    content["sources"] = sorted(sources, key=lambda s: s["key"])  # a registry: order is not content

    controls = []
    for i, item in enumerate(meta.get("controls") or []):
        where = f"{g} controls[{i}]"
        if not isinstance(item, dict):
            c.add(g, f"controls[{i}]", "must be a mapping")
            continue
        c.keys(where, item, {"key", "name", "short_name", "summary"}, {"kind", "link", "link_text"})
        control = {
            "key": c.key(where, item, "key"),
            "name": c.text(where, item, "name", max_length=200),
            "short_name": c.text(where, item, "short_name", max_length=100),
            "kind": c.text(where, item, "kind", required=False) or Section.Kind.SETTING,
            "summary": c.text(where, item, "summary"),
            "link": c.url(where, item, "link"),
            "link_text": c.text(where, item, "link_text", required=False, max_length=200),
        }
        if control["link"] and not control["link_text"]:
            c.add(where, "link_text", "is needed when there is a link")
        if control["kind"] not in Section.Kind.values:
            c.add(where, "kind", f"must be one of {', '.join(Section.Kind.values)}")
        controls.append(control)
    control_keys = [item["key"] for item in controls]
    for key in {k for k in control_keys if control_keys.count(k) > 1}:
        c.add(g, "controls", f"the key {key!r} is listed twice")
    if not controls and "controls" in meta:
        c.add(g, "controls", "must list at least one control")
    content["controls"] = controls

    rules = []
    for i, item in enumerate(meta.get("region_rules") or []):
        where = f"{g} region_rules[{i}]"
        if not isinstance(item, dict):
            c.add(g, f"region_rules[{i}]", "must be a mapping")
            continue
        c.keys(where, item, {"control", "region", "uses_data_by_default", "sources"},
               {"starts", "ends", "note"})  # fmt: skip
        rule = {
            "control": c.text(where, item, "control"),
            "region": c.text(where, item, "region"),
            "starts": c.date(where, item, "starts"),
            "ends": c.date(where, item, "ends"),
            "uses_data_by_default": item.get("uses_data_by_default"),
            "note": c.text(where, item, "note", required=False),
            "sources": c.source_list(where, item, known_sources),
        }
        if rule["control"] and rule["control"] not in control_keys:
            c.add(where, "control", f"{rule['control']!r} is not a control of this guide")
        if rule["region"] and rule["region"] not in Region.values:
            c.add(where, "region", f"{rule['region']!r} is not one of {', '.join(Region.values)}")
        if not isinstance(rule["uses_data_by_default"], bool):
            c.add(where, "uses_data_by_default", "must be true or false")
        if rule["starts"] and rule["ends"] and rule["starts"] >= rule["ends"]:
            c.add(where, "ends", "must be after starts")
        for j, other in enumerate(rules):
            same = (other["control"], other["region"]) == (rule["control"], rule["region"])
            if same and _overlap(rule, other):
                c.add(
                    where, "starts", f"overlaps region_rules[{j}] for the same control and region"
                )
        rules.append(rule)
    content["region_rules"] = rules

    content["steps"] = _read_entries(c, folder, "steps", known_sources, control_keys)
    content["faq"] = _read_entries(c, folder, "faq", known_sources, control_keys)
    if not content["steps"] and not any(p[0].startswith("steps/") for p in c.problems):
        c.add("steps/", "folder", "must hold at least one step")
    content["translations"] = _read_translations(c, folder, content)
    for entry in content["steps"] + content["faq"]:
        del entry["file"]
    if c.problems:
        raise ContentError(c.problems)
    return content


def _overlap(a: dict, b: dict) -> bool:
    lo = max(a["starts"] or datetime.date.min, b["starts"] or datetime.date.min)
    hi = min(a["ends"] or datetime.date.max, b["ends"] or datetime.date.max)
    return lo < hi


def _read_entries(c: _Checker, folder: Path, kind: str, sources: set, controls: list) -> list:
    entries: list[dict] = []
    seen: dict[int, str] = {}
    for path in sorted((folder / kind).glob("*.md")):
        if _language_of(path):
            continue  # a translation, read by _read_translations
        rel = f"{kind}/{path.name}"
        text = _read(c, path, rel)
        if text is None:
            continue
        data, body = _split_front_matter(c, rel, text)
        if data is None:
            continue
        if kind == "steps":
            c.keys(
                rel, data, {"order", "control", "title", "sources"}, {"link", "link_text", "note"}
            )
            entry = {
                "order": c.order(rel, data, seen),
                "control": c.text(rel, data, "control"),
                "title": c.text(rel, data, "title", max_length=200),
                "link": c.url(rel, data, "link"),
                "link_text": c.text(rel, data, "link_text", required=False, max_length=200),
                "note": c.text(rel, data, "note", required=False),
                "sources": c.source_list(rel, data, sources),
            }
            if entry["control"] and entry["control"] not in controls:
                c.add(rel, "control", f"{entry['control']!r} is not a control listed in guide.yaml")
            if entry["link"] and not entry["link_text"]:
                c.add(rel, "link_text", "is needed when there is a link")
        else:
            c.keys(rel, data, {"order", "question", "sources"})
            entry = {
                "order": c.order(rel, data, seen),
                "question": c.text(rel, data, "question", max_length=300),
                "sources": c.source_list(rel, data, sources),
            }
        if not body:
            c.add(rel, "body", "the Markdown after the front matter must not be empty")
        entry["body"] = body
        entry["file"] = path.stem
        entries.append(entry)
    return sorted(entries, key=lambda e: e["order"])


# The translatable fields of each piece, by their names in the folder (Markdown: intro, body).
PIECE_FIELDS = {
    "guide": ("title", "summary", "intro"),
    "controls": ("name", "short_name", "summary", "link_text"),
    "region_rules": ("note",),
    "steps": ("title", "link_text", "note", "body"),
    "faq": ("question", "body"),
}
# The same pieces as Translation kinds, with the model field of each folder field.
KINDS = {
    "guide": Translation.Kind.VERSION,
    "controls": Translation.Kind.SECTION,
    "region_rules": Translation.Kind.RULE,
    "steps": Translation.Kind.STEP,
    "faq": Translation.Kind.FAQ,
}
MODEL_FIELD = {"intro": "intro_md", "body": "body_md"}
_LANGUAGE_RE = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2}(?:-[a-z]+)?)$")


def _language_of(path: Path) -> str | None:
    match = _LANGUAGE_RE.match(path.stem)
    return match["language"] if match else None


def _model_field(kind: str, field: str) -> str:
    if kind == "faq" and field == "body":
        return "answer_md"
    return MODEL_FIELD.get(field, field)


def _translated_piece(c: _Checker, file: str, data: dict, english: dict, kind: str) -> dict:
    """{"text": ..., "english": ...} from a translation's fields, checked against `english`
    (today's English of the piece)."""
    fields = PIECE_FIELDS[kind]
    text = {}
    for field in fields:
        if field in data and field != "body":
            value = c.text(file, data, field)
            if value and not english.get(field):
                c.add(file, field, "has no English to translate: leave it out")
            if value:
                text[field] = value
    if not text and kind not in ("steps", "faq"):
        c.add(file, "fields", "translates nothing: add translated fields or leave it out")
    source = data.get("english")
    recorded = {}
    if not isinstance(source, dict):
        c.add(file, "english", "is missing: record the English text you translated, field by field")
    else:
        for key in sorted(source.keys() - set(fields)):
            c.add(file, f"english.{key}", "is not a translatable field")
        for field in fields:
            value = c.text(file, source, field, required=False)
            if value:
                recorded[field] = value
    return {"text": text, "english": recorded}


def _read_translations(c: _Checker, folder: Path, content: dict) -> dict:
    """{language: {"guide": piece or None, "controls": [piece + key], "region_rules": [piece +
    control, region, starts], "steps": [piece + order], "faq": [piece + order]}}, each piece
    {"text": translated fields, "english": the English they were translated from}."""
    languages = settings.CONTENT_LANGUAGES
    found: dict[str, dict] = {}

    def language_for(rel: str, language: str) -> dict | None:
        if language not in languages:
            c.add(
                rel, "file", f"{language!r} is not a language of this site ({', '.join(languages)})"
            )
            return None
        return found.setdefault(
            language, {"guide": None, "controls": [], "region_rules": [], "steps": [], "faq": []}
        )

    for path in sorted(folder.glob("guide.*.yaml")):
        rel = path.name
        language = language_for(rel, path.name.split(".")[1])
        text = _read(c, path, rel) if language is not None else None
        data = _load_yaml(c, rel, text) if text is not None else None
        if language is None or text is None:
            continue
        if not isinstance(data, dict):
            c.add(rel, "YAML", "must be a mapping of fields")
            continue
        c.keys(rel, data, set(), {*PIECE_FIELDS["guide"], "english", "controls", "region_rules"})
        if data.keys() & {*PIECE_FIELDS["guide"], "english"}:
            english = {field: content[field] for field in PIECE_FIELDS["guide"]}
            piece = _translated_piece(c, rel, data, english, "guide")
            language["guide"] = piece if piece["text"] else None
        controls = {item["key"]: item for item in content["controls"]}
        for key, item in (data.get("controls") or {}).items():
            where = f"{rel} controls.{key}"
            if key not in controls:
                c.add(rel, f"controls.{key}", "is not a control listed in guide.yaml")
            elif not isinstance(item, dict):
                c.add(where, "controls", "must be a mapping of fields")
            else:
                c.keys(where, item, {"english"}, set(PIECE_FIELDS["controls"]))
                piece = _translated_piece(c, where, item, controls[key], "controls")
                if piece["text"]:
                    language["controls"].append({"key": key, **piece})
        rules = {(r["control"], r["region"], r["starts"]): r for r in content["region_rules"]}
        for i, item in enumerate(data.get("region_rules") or []):
            where = f"{rel} region_rules[{i}]"
            if not isinstance(item, dict):
                c.add(rel, f"region_rules[{i}]", "must be a mapping")
                continue
            c.keys(where, item, {"control", "region", "english"}, {"starts", "note"})
            at = (item.get("control"), item.get("region"), c.date(where, item, "starts"))
            if at not in rules:
                c.add(
                    where,
                    "starts",
                    "matches no region rule in guide.yaml (control, region, starts)",
                )
                continue
            piece = _translated_piece(c, where, item, rules[at], "region_rules")
            if piece["text"]:
                language["region_rules"].append(
                    {"control": at[0], "region": at[1], "starts": at[2], **piece}
                )

    for kind in ("steps", "faq"):
        entries = {entry["file"]: entry for entry in content[kind]}
        for path in sorted((folder / kind).glob("*.md")):
            code = _language_of(path)
            if not code:
                continue
            rel = f"{kind}/{path.name}"
            language = language_for(rel, code)
            stem = path.stem[: -len(code) - 1]
            if language is None:
                continue
            if stem not in entries:
                c.add(rel, "file", f"translates {kind}/{stem}.md, which does not exist")
                continue
            text = _read(c, path, rel)
            data, body = _split_front_matter(c, rel, text) if text is not None else (None, "")
            if data is None:
                continue
            c.keys(rel, data, {"english"}, set(PIECE_FIELDS[kind]) - {"body"})
            piece = _translated_piece(c, rel, data, entries[stem], kind)
            if body:
                piece["text"]["body"] = body
            elif not piece["text"]:
                c.add(rel, "file", "translates nothing: add the translated Markdown body")
                continue
            language[kind].append({"order": entries[stem]["order"], **piece})
    return _in_order(found, [item["key"] for item in content["controls"]])


def _in_order(found: dict, control_order: list[str]) -> dict:
    """Translations in one fixed order, whichever way they were read, so content compares
    equal: languages, then pieces in the order of the English."""
    for language in found.values():
        language["controls"].sort(key=lambda piece: control_order.index(piece["key"]))
        language["region_rules"].sort(
            key=lambda r: (r["control"], r["region"], r["starts"] or datetime.date.min)
        )
        language["steps"].sort(key=lambda piece: piece["order"])
        language["faq"].sort(key=lambda piece: piece["order"])
    return dict(sorted(found.items()))


@transaction.atomic
def create_draft(content: dict, user=None) -> GuideVersion:
    """A new draft version of the guide from validated content. Publishes nothing."""
    platform, _ = Platform.objects.get_or_create(
        slug=content["platform"]["slug"],
        defaults={"name": content["platform"]["name"], "url": content["platform"]["url"]},
    )
    guide, _ = Guide.objects.get_or_create(slug=content["slug"], defaults={"platform": platform})
    if guide.platform_id != platform.pk:
        raise ContentError([("guide.yaml", "platform", "differs from the existing guide's")])
    version = GuideVersion.objects.create(
        guide=guide,
        title=content["title"],
        summary=content["summary"],
        intro_md=content["intro"],
        based_on_number=guide.published_number(),
        created_by=user,
    )
    AuditEntry.record(guide, version, AuditEntry.Action.CREATE, user, "Draft imported from files")
    for source in content["sources"]:
        Source.objects.create(version=version, **source)
    controls = {}
    for order, item in enumerate(content["controls"], start=1):
        control, _ = Control.objects.get_or_create(guide=guide, key=item["key"])
        controls[item["key"]] = control
        fields = {k: v for k, v in item.items() if k != "key"}
        Section.objects.create(version=version, control=control, order=order, **fields)
    for rule in content["region_rules"]:
        fields = {k: v for k, v in rule.items() if k not in ("control", "sources")}
        RegionRule.objects.create(
            version=version,
            control=controls[rule["control"]],
            source_keys=rule["sources"],
            **fields,
        )
    steps = {}
    for step in content["steps"]:
        steps[step["order"]] = Step.objects.create(
            version=version,
            control=controls[step["control"]],
            order=step["order"],
            title=step["title"],
            body_md=step["body"],
            link=step["link"],
            link_text=step["link_text"],
            note=step["note"],
            source_keys=step["sources"],
        )
    faq = {}
    for entry in content["faq"]:
        faq[entry["order"]] = FaqEntry.objects.create(
            version=version,
            order=entry["order"],
            question=entry["question"],
            answer_md=entry["body"],
            source_keys=entry["sources"],
        )
    sections = {section.control.key: section for section in version.sections.all()}
    rules = {(r.control_id, r.region, r.starts): r for r in version.region_rules.all()}
    for language, found in content.get("translations", {}).items():
        targets = [("guide", version, found["guide"])] if found["guide"] else []
        targets += [("controls", sections[p["key"]], p) for p in found["controls"]]
        targets += [
            ("region_rules", rules[(controls[p["control"]].pk, p["region"], p["starts"])], p)
            for p in found["region_rules"]
        ]
        targets += [("steps", steps[p["order"]], p) for p in found["steps"]]
        targets += [("faq", faq[p["order"]], p) for p in found["faq"]]
        for kind, piece, translated in targets:
            Translation.objects.create(
                version=version,
                language=language,
                kind=KINDS[kind],
                object_id=piece.pk,
                text={_model_field(kind, k): v for k, v in translated["text"].items()},
                source={_model_field(kind, k): v for k, v in translated["english"].items()},
            )
    return version


def version_content(version: GuideVersion) -> dict:
    """The content of a version in the folder's shape (the inverse of `create_draft`)."""
    version = GuideVersion.objects.with_content().get(pk=version.pk)
    platform = version.guide.platform
    sections = version.sections_with_steps()
    keys = {section.control_id: section.key for section in sections}
    return {
        "slug": version.guide.slug,
        "title": version.title,
        "platform": {"slug": platform.slug, "name": platform.name, "url": platform.url},
        "summary": version.summary,
        "intro": version.intro_md,
        "sources": [
            {
                "key": s.key,
                "title": s.title,
                "publisher": s.publisher,
                "published": s.published,
                "url": s.url,
            }
            for s in sorted(version.sources.all(), key=lambda s: s.key)
        ],
        "controls": [
            {
                "key": s.key,
                "name": s.name,
                "short_name": s.short_name,
                "kind": s.kind,
                "summary": s.summary,
                "link": s.link,
                "link_text": s.link_text,
            }
            for s in sections
        ],
        "region_rules": [
            {
                "control": keys[r.control_id],
                "region": r.region,
                "starts": r.starts,
                "ends": r.ends,
                "uses_data_by_default": r.uses_data_by_default,
                "note": r.note,
                "sources": r.source_keys,
            }
            for section in sections
            for r in section.rule_list
        ],
        "steps": [
            {
                "order": step.order,
                "control": keys[step.control_id],
                "title": step.title,
                "link": step.link,
                "link_text": step.link_text,
                "note": step.note,
                "sources": step.source_keys,
                "body": step.body_md,
            }
            for step in sorted(version.steps.all(), key=lambda s: s.order)
        ],
        "faq": [
            {
                "order": entry.order,
                "question": entry.question,
                "sources": entry.source_keys,
                "body": entry.answer_md,
            }
            for entry in version.faq()
        ],
        "translations": _version_translations(version, sections, keys),
    }


def _version_translations(version: GuideVersion, sections, keys) -> dict:
    """The translations of a version in the shape `_read_translations` gives."""
    kinds = {kind: name for name, kind in KINDS.items()}
    where = {("guide", version.pk): {}}
    where |= {("controls", s.pk): {"key": s.key} for s in sections}
    where |= {("steps", s.pk): {"order": s.order} for s in version.steps.all()}
    where |= {("faq", e.pk): {"order": e.order} for e in version.faq_entries.all()}
    where |= {
        ("region_rules", r.pk): {
            "control": keys[r.control_id],
            "region": r.region,
            "starts": r.starts,
        }
        for section in sections
        for r in section.rule_list
    }
    found: dict[str, dict] = {}
    for translation in version.translations.exclude(kind=Translation.Kind.CHANGE):
        kind = kinds[translation.kind]
        language = found.setdefault(
            translation.language,
            {"guide": None, "controls": [], "region_rules": [], "steps": [], "faq": []},
        )
        piece = {
            name: {
                field: value.strip()
                for field in PIECE_FIELDS[kind]
                if (value := values.get(_model_field(kind, field)) or "").strip()
            }
            for name, values in (("text", translation.text), ("english", translation.source))
        }
        if not piece["text"]:
            continue
        if kind == "guide":
            language["guide"] = piece
        else:
            language[kind].append({**where[(kind, translation.object_id)], **piece})
    return _in_order(found, [s.key for s in sections])


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _without_empty(data: dict, optional: tuple[str, ...]) -> dict:
    return {k: v for k, v in data.items() if not (k in optional and v in ("", None, []))}


def write_folder(content: dict, folder: Path | str) -> None:
    """Write content as a guide folder. Old step and FAQ files in the folder are replaced."""
    folder = Path(folder)
    meta = {k: content[k] for k in ("slug", "title", "platform", "summary")}
    meta["intro"] = content["intro"] + "\n"
    meta["sources"] = [_without_empty(s, ("published", "url")) for s in content["sources"]]
    meta["controls"] = [
        {k: v for k, v in control.items() if not (k == "kind" and v == Section.Kind.SETTING)}
        for control in content["controls"]
    ]
    meta["region_rules"] = [_without_empty(r, ("note",)) for r in content["region_rules"]]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "guide.yaml").write_text(_dump(meta), encoding="utf-8")
    for old in folder.glob("guide.*.yaml"):
        old.unlink()
    names = {}
    for kind, title_field, optional in (
        ("steps", "title", ("link", "link_text", "note")),
        ("faq", "question", ()),
    ):
        (folder / kind).mkdir(exist_ok=True)
        for old in (folder / kind).glob("*.md"):
            old.unlink()
        for entry in content[kind]:
            front = _without_empty({k: v for k, v in entry.items() if k != "body"}, optional)
            name = f"{entry['order']:02d}-{slugify(entry[title_field])[:50].strip('-')}"
            names[(kind, entry["order"])] = name
            text = f"---\n{_dump(front)}---\n{entry['body']}\n"
            (folder / kind / f"{name}.md").write_text(text, encoding="utf-8")
    for language, found in content.get("translations", {}).items():
        _write_translations(folder, language, found, names)


def _multiline(fields: dict) -> dict:
    return {k: v + "\n" if "\n" in v else v for k, v in fields.items()}


def _write_translations(folder: Path, language: str, found: dict, names: dict) -> None:
    meta: dict[str, Any] = {}
    if found["guide"]:
        meta |= _multiline(found["guide"]["text"])
        meta["english"] = _multiline(found["guide"]["english"])
    if found["controls"]:
        meta["controls"] = {
            p["key"]: {**p["text"], "english": p["english"]} for p in found["controls"]
        }
    if found["region_rules"]:
        meta["region_rules"] = [
            {
                "control": p["control"],
                "region": p["region"],
                "starts": p["starts"],
                **p["text"],
                "english": p["english"],
            }
            for p in found["region_rules"]
        ]
    if meta:
        (folder / f"guide.{language}.yaml").write_text(_dump(meta), encoding="utf-8")
    for kind in ("steps", "faq"):
        for piece in found[kind]:
            front = {k: v for k, v in piece["text"].items() if k != "body"}
            front["english"] = _multiline(piece["english"])
            body = piece["text"].get("body", "")
            text = f"---\n{_dump(front)}---\n{body}\n"
            name = names[(kind, piece["order"])]
            (folder / kind / f"{name}.{language}.md").write_text(text, encoding="utf-8")


def install(folder: Path | str) -> GuideVersion | None:
    """Import and publish a shipped guide folder unless that guide exists already.

    Never touches an existing guide: editors' changes always win over the shipped files.
    """
    content = read_folder(folder)
    if Guide.objects.filter(slug=content["slug"]).exists():
        return None
    try:
        with transaction.atomic():
            version = create_draft(content)
            version.publish("First version, from the shipped guide files.")
    except IntegrityError:
        # Another process installed it at the same moment.
        return None
    return version
