"""Guide folders: the reviewable file format of a guide version.

    <folder>/guide.yaml        the guide, its sources, controls and region rules
    <folder>/steps/NN-name.md  one step each: YAML front matter, then the Markdown body
    <folder>/faq/NN-name.md    one FAQ entry each, the same way
    <folder>/guide.LL.yaml     translations (LL: fr, de) of the guide's title and intro, its
                               controls and its region notes
    <folder>/steps/NN-name.LL.md  the translation of one step (or FAQ entry) into language LL
    <folder>/release.yaml      optional: a summary of the release and the controls to re-check

The format itself (fields, types, limits) is defined once, in schema.py. This module reads a
folder safely (regular files inside the folder only, size limits, YAML without anchors, aliases
or tags and with a nesting limit), validates all of it before anything is written, and writes
folders in one canonical layout, so an export can be diffed against the repository.
"""

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from pydantic import BaseModel, ValidationError

from . import folder as folder_files
from . import schema
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
    auto_slug,
)
from .regions import Region


class ContentError(Exception):
    """A guide folder is not valid. `problems` lists every (file, field, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__(
            "\n".join(f"{file}: {field}: {message}" for file, field, message in problems)
        )


def _validate(model: type[BaseModel], data: Any, file: str, problems: list):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += [(file, field, message) for field, message in schema.describe(exc)]
    return None


# A whole folder.


def read_folder(folder: Path | str) -> schema.GuideContent:
    """Parse and validate a guide folder. Raises ContentError listing every problem; reads
    nothing outside the folder and writes nothing."""
    folder = Path(folder)
    problems: list[tuple[str, str, str]] = []
    if not folder.is_dir():
        raise ContentError([(str(folder), "folder", "is not a folder")])
    files = folder_files.read_files(folder, problems)
    if "guide.yaml" not in files:
        if not any(p[0] == "guide.yaml" for p in problems):
            problems.insert(0, (str(folder), "guide.yaml", "is missing: not a guide folder"))
        raise ContentError(problems)

    data = folder_files.load_yaml(files["guide.yaml"], "guide.yaml", problems)
    guide = _validate(schema.GuideFile, data, "guide.yaml", problems) if data is not None else None
    release = None
    if "release.yaml" in files:
        data = folder_files.load_yaml(files["release.yaml"], "release.yaml", problems)
        release = _validate(schema.ReleaseFile, data, "release.yaml", problems)

    origins: dict[tuple, str] = {}
    entries: dict[str, list] = {"steps": [], "faq": []}
    translated: list[tuple[str, str, str, str]] = []  # (kind, stem, language, rel)
    models = {"steps": schema.StepItem, "faq": schema.FaqItem}
    for rel in files:
        kind, _, name = rel.partition("/")
        if kind not in entries:
            continue
        match = folder_files.ENTRY_RE.match(name)
        stem = name[: -len(".md")]
        if match["language"]:
            translated.append((kind, stem[: -len(match["language"]) - 1], match["language"], rel))
            continue
        front, body = folder_files.front_matter(files[rel], rel, problems)
        if front is None:
            continue
        if isinstance(front, dict) and front.keys() & {"slug", "body"}:
            for key in sorted(front.keys() & {"slug", "body"}):
                problems.append((rel, key, "is not a known field"))
            continue
        fields = (
            {**front, "slug": match["slug"], "body": body} if isinstance(front, dict) else front
        )
        item = _validate(models[kind], fields, rel, problems)
        if item is not None:
            entries[kind].append((item, rel, stem))

    translations = _read_translations(files, guide, entries, translated, origins, problems)
    if problems or guide is None:
        raise ContentError(problems)
    for kind in entries:
        entries[kind].sort(key=lambda entry: entry[0].order)
        origins |= {(kind, i): (rel, ()) for i, (_item, rel, _stem) in enumerate(entries[kind])}
    content = schema.GuideContent.model_construct(
        **dict(guide),
        steps=[item for item, _rel, _stem in entries["steps"]],
        faq=[item for item, _rel, _stem in entries["faq"]],
        translations=translations,
        release=release,
    )
    for loc, message in content.problems():
        file, field = _origin(loc, origins)
        problems.append((file, field, message))
    for key in release.recheck if release else []:
        if key not in {c.key for c in content.controls}:
            problems.append(("release.yaml", "recheck", f"{key!r} is not a control"))
    if problems:
        raise ContentError(problems)
    # One order, whichever way the files list them: sources by key, rules as the guide shows them.
    controls = [c.key for c in content.controls]
    content.sources.sort(key=lambda s: s.key)
    content.region_rules.sort(key=lambda r: (controls.index(r.control), *_rule_order(dict(r))[1:]))
    return content


def _origin(loc: tuple, origins: dict) -> tuple[str, str]:
    """The file and field of a location in the content (see GuideContent.problems)."""
    for length in (4, 3, 2):
        if loc[:length] in origins:
            file, prefix = origins[loc[:length]]
            return file, schema.field_name((*prefix, *loc[length:]))
    if loc[0] == "translations":
        return f"guide.{loc[1]}.yaml", schema.field_name(loc[2:])
    return "guide.yaml", schema.field_name(loc)


def _read_translations(files, guide, entries, translated, origins, problems) -> dict:
    """{language: LanguageTranslations} from guide.LL.yaml and the NN-name.LL.md files."""
    languages = settings.CONTENT_LANGUAGES
    found: dict[str, dict] = {}

    def language_for(rel: str, code: str) -> dict | None:
        if code not in languages:
            problems.append((rel, "file", f"{code!r} is not a language of this site "
                             f"({', '.join(languages)})"))  # fmt: skip
            return None
        return found.setdefault(
            code, {"guide": None, "controls": [], "region_rules": [], "steps": [], "faq": []}
        )

    for rel in files:
        match = folder_files.GUIDE_RE.match(rel)
        if not match or not match["language"] or guide is None:
            continue
        language = language_for(rel, match["language"])
        data = folder_files.load_yaml(files[rel], rel, problems) if language is not None else None
        item = _validate(schema.GuideTranslationFile, data, rel, problems) if data else None
        if item is None:
            continue
        text = schema.GuideFields(**item.model_dump(include=set(schema.GuideFields.model_fields)))
        if text.model_dump(exclude_defaults=True) or item.english:
            if item.english is None:
                problems.append((rel, "english", "is missing: record the English you translated"))
            else:
                language["guide"] = {"text": text, "english": item.english}
        for key, entry in item.controls.items():
            piece = {"key": key, **_piece(entry, schema.ControlFields)}
            language["controls"].append((piece, (rel, ("controls", key))))
        for i, entry in enumerate(item.region_rules):
            where = {"control": entry.control, "region": entry.region, "starts": entry.starts}
            piece = {**where, **_piece(entry, schema.RuleFields)}
            language["region_rules"].append((piece, (rel, ("region_rules", i))))

    models = {"steps": schema.StepTranslationFile, "faq": schema.FaqTranslationFile}
    fields = {"steps": schema.StepFields, "faq": schema.FaqFields}
    for kind, stem, code, rel in translated:
        language = language_for(rel, code)
        english = {s: item for item, _rel, s in entries[kind]}.get(stem)
        if language is None:
            continue
        if english is None:
            problems.append((rel, "file", f"translates {kind}/{stem}.md, which does not exist "
                             "or is not valid"))  # fmt: skip
            continue
        front, body = folder_files.front_matter(files[rel], rel, problems)
        item = _validate(models[kind], front, rel, problems) if front is not None else None
        if item is None:
            continue
        text = _validate(fields[kind], {**item.model_dump(exclude={"english"}), "body": body},
                         rel, problems)  # fmt: skip
        if text is not None:
            piece = {"order": english.order, "text": text, "english": item.english}
            language[kind].append((piece, (rel, ())))
    controls = [c.key for c in guide.controls] if guide else []
    order = {
        "controls": lambda p: controls.index(p["key"]) if p["key"] in controls else len(controls),
        "region_rules": _rule_order,
        "steps": lambda p: p["order"],
        "faq": lambda p: p["order"],
    }
    out = {}
    for code, pieces in sorted(found.items()):
        if pieces["guide"]:
            origins[("translations", code, "guide")] = (f"guide.{code}.yaml", ())
        for kind, key in order.items():
            pieces[kind].sort(key=lambda pair, key=key: key(pair[0]))
            for i, (_, origin) in enumerate(pieces[kind]):
                origins[("translations", code, kind, i)] = origin
            pieces[kind] = [piece for piece, _origin_ in pieces[kind]]
        out[code] = schema.LanguageTranslations.model_validate(pieces)
    return out


def _piece(entry: BaseModel, fields: type[BaseModel]) -> dict:
    return {"text": fields(**entry.model_dump(include=set(fields.model_fields))),
            "english": entry.english}  # fmt: skip


def _rule_order(rule: dict) -> tuple:
    return (
        rule["control"],
        Region.values.index(rule["region"]),
        rule["starts"] or datetime.date.min,
    )


# Storing content, and reading it back.

KINDS = {
    "guide": Translation.Kind.VERSION,
    "controls": Translation.Kind.SECTION,
    "region_rules": Translation.Kind.RULE,
    "steps": Translation.Kind.STEP,
    "faq": Translation.Kind.FAQ,
}
# Folder field -> model field, where they differ.
MODEL_FIELD = {"intro": "intro_md", "body": "body_md"}


def _model_field(kind: str, field: str) -> str:
    return "answer_md" if (kind, field) == ("faq", "body") else MODEL_FIELD.get(field, field)


@transaction.atomic
def create_draft(content: schema.GuideContent, user=None) -> GuideVersion:
    """A new draft version of the guide from validated content. Publishes nothing; writes
    nothing if anything fails."""
    platform, _ = Platform.objects.get_or_create(
        slug=content.platform.slug,
        defaults={"name": content.platform.name, "url": content.platform.url},
    )
    guide, _ = Guide.objects.get_or_create(slug=content.slug, defaults={"platform": platform})
    if guide.platform_id != platform.pk:
        raise ContentError([("guide.yaml", "platform", "differs from the existing guide's")])
    version = GuideVersion.objects.create(
        guide=guide,
        title=content.title,
        summary=content.summary,
        intro_md=content.intro,
        based_on_number=guide.published_number(),
        created_by=user,
    )
    AuditEntry.record(guide, version, AuditEntry.Action.CREATE, user, "Draft imported from files")
    Source.objects.bulk_create(Source(version=version, **dict(s)) for s in content.sources)
    controls, sections = {}, {}
    for order, item in enumerate(content.controls, start=1):
        control, _ = Control.objects.get_or_create(guide=guide, key=item.key)
        controls[item.key] = control
        sections[item.key] = Section.objects.create(
            version=version, control=control, order=order, **item.model_dump(exclude={"key"})
        )
    rules = {}
    for rule in content.region_rules:
        fields = rule.model_dump(exclude={"control", "sources"})
        rules[(rule.control, rule.region, rule.starts)] = RegionRule.objects.create(
            version=version, control=controls[rule.control], source_keys=rule.sources, **fields
        )
    steps = {
        step.order: Step.objects.create(
            version=version,
            control=controls[step.control],
            body_md=step.body,
            source_keys=step.sources,
            **step.model_dump(exclude={"control", "body", "sources"}),
        )
        for step in content.steps
    }
    faq = {
        entry.order: FaqEntry.objects.create(
            version=version,
            order=entry.order,
            question=entry.question,
            slug=entry.slug,
            answer_md=entry.body,
            source_keys=entry.sources,
        )
        for entry in content.faq
    }
    for language, found in content.translations.items():
        targets = [("guide", version, found.guide)] if found.guide else []
        targets += [("controls", sections[p.key], p) for p in found.controls]
        targets += [("region_rules", rules[(p.control, p.region, p.starts)], p)
                    for p in found.region_rules]  # fmt: skip
        targets += [("steps", steps[p.order], p) for p in found.steps]
        targets += [("faq", faq[p.order], p) for p in found.faq]
        for kind, piece, translated in targets:
            Translation.objects.create(
                version=version, language=language, kind=KINDS[kind], object_id=piece.pk,
                text=_to_model(kind, translated.text), source=_to_model(kind, translated.english),
            )  # fmt: skip
    return version


def _to_model(kind: str, fields: BaseModel) -> dict:
    return {_model_field(kind, k): v for k, v in fields.model_dump(exclude_defaults=True).items()}


def content_of(version: GuideVersion) -> schema.GuideContent:
    """The content of a version (the inverse of `create_draft`)."""
    version = GuideVersion.objects.with_content().get(pk=version.pk)
    platform = version.guide.platform
    sections = version.sections_with_steps()
    keys = {section.control_id: section.key for section in sections}
    data = {
        "slug": version.guide.slug,
        "title": version.title,
        "platform": {"slug": platform.slug, "name": platform.name, "url": platform.url},
        "summary": version.summary,
        "intro": version.intro_md,
        "sources": [_fields(s, schema.SourceItem) for s in sorted(version.sources.all(), key=lambda s: s.key)],
        "controls": [{**_fields(s, schema.ControlItem), "key": s.key} for s in sections],
        "region_rules": [
            {**_fields(r, schema.RegionRuleItem), "control": keys[r.control_id], "sources": r.source_keys}
            for section in sections
            for r in section.rule_list
        ],
        "steps": [
            {**_fields(s, schema.StepItem), "control": keys[s.control_id], "sources": s.source_keys,
             "body": s.body_md, "slug": s.slug or auto_slug(s.title)}
            for s in sorted(version.steps.all(), key=lambda s: s.order)
        ],
        "faq": [
            {**_fields(f, schema.FaqItem), "sources": f.source_keys, "body": f.answer_md,
             "slug": f.slug or auto_slug(f.question)}
            for f in version.faq()
        ],
        "translations": _version_translations(version, sections, keys),
    }  # fmt: skip
    return schema.GuideContent.model_validate(data, context=schema.TRUSTED)


def version_content(version: GuideVersion) -> dict:
    """The content of a version as plain data (what the change pages compare)."""
    return content_of(version).model_dump()


def _fields(obj, model: type[BaseModel]) -> dict:
    return {name: getattr(obj, name) for name in model.model_fields if hasattr(obj, name)}


def _version_translations(version: GuideVersion, sections, keys) -> dict:
    kinds = {kind: name for name, kind in KINDS.items()}
    where = {("guide", version.pk): {}}
    where |= {("controls", s.pk): {"key": s.key} for s in sections}
    where |= {("steps", s.pk): {"order": s.order} for s in version.steps.all()}
    where |= {("faq", e.pk): {"order": e.order} for e in version.faq_entries.all()}
    where |= {
        ("region_rules", r.pk): {"control": keys[r.control_id], "region": r.region, "starts": r.starts}
        for section in sections
        for r in section.rule_list
    }  # fmt: skip
    fields = {"guide": schema.GuideFields, "controls": schema.ControlFields,
              "region_rules": schema.RuleFields, "steps": schema.StepFields,
              "faq": schema.FaqFields}  # fmt: skip
    found: dict[str, dict] = {}
    for translation in version.translations.exclude(kind=Translation.Kind.CHANGE):
        kind = kinds[translation.kind]
        piece = {
            name: {f: values.get(_model_field(kind, f)) or "" for f in fields[kind].model_fields}
            for name, values in (("text", translation.text), ("english", translation.source))
        }
        if not any(value.strip() for value in piece["text"].values()):
            continue
        language = found.setdefault(
            translation.language,
            {"guide": None, "controls": [], "region_rules": [], "steps": [], "faq": []},
        )
        if kind == "guide":
            language["guide"] = piece
        else:
            language[kind].append({**where[(kind, translation.object_id)], **piece})
    order = [s.key for s in sections]
    for language in found.values():
        language["controls"].sort(key=lambda p: order.index(p["key"]))
        language["region_rules"].sort(key=_rule_order)
        language["steps"].sort(key=lambda p: p["order"])
        language["faq"].sort(key=lambda p: p["order"])
    return dict(sorted(found.items()))


# Writing a folder, in the layout of folder.py.


def _out(model: BaseModel, always: tuple[str, ...] = (), exclude=frozenset()) -> dict:
    """A model's fields for a file: those that differ from their defaults, and `always`."""
    data = model.model_dump(exclude=set(exclude))
    keep = model.model_dump(exclude_defaults=True, exclude=set(exclude)).keys() | set(always)
    return {k: v for k, v in data.items() if k in keep}


def write_folder(content: schema.GuideContent, folder: Path | str) -> None:
    """Write content as a guide folder. Old step, FAQ and translation files there are replaced."""
    folder = Path(folder)
    names = _file_names(content)
    lists = {"sources", "controls", "region_rules", "steps", "faq", "translations", "release"}
    text = folder_files.dump(_out(content, exclude=lists))
    text += folder_files.dump({"sources": [_out(s, ("published", "url")) for s in content.sources]})
    text += folder_files.dump(
        {"controls": [_out(c, ("link", "link_text")) for c in content.controls]}
    )
    if content.region_rules:
        rules = folder_files.dump(
            {"region_rules": [_out(r, ("starts", "ends")) for r in content.region_rules]}
        )
        short = {c.key: c.short_name for c in content.controls}
        last = None
        for line in rules.splitlines(keepends=True):
            if line.startswith("  - control: ") and (control := line[13:].strip()) != last:
                text += f"  # {short[control][:1].upper()}{short[control][1:]}\n"
                last = control
            text += line
    folder.mkdir(parents=True, exist_ok=True)
    for old in [*folder.glob("guide.*.yaml"), *folder.glob("steps/*.md"), *folder.glob("faq/*.md")]:
        old.unlink()
    (folder / "guide.yaml").write_text(text, encoding="utf-8")
    if content.release is not None:
        (folder / "release.yaml").write_text(
            folder_files.dump(_out(content.release)), encoding="utf-8"
        )
    for kind in ("steps", "faq"):
        (folder / kind).mkdir(exist_ok=True)
        for entry in getattr(content, kind):
            front = _out(entry, exclude={"slug", "body"})
            path = folder / f"{names[(kind, entry.order)]}.md"
            path.write_text(folder_files.document(front, entry.body), encoding="utf-8")
    for language, found in content.translations.items():
        _write_translations(folder, language, found, names)


def _file_names(content: schema.GuideContent) -> dict:
    """(kind, order) -> "steps/NN-name", without the extension."""
    names = {}
    for kind, title in (("steps", "title"), ("faq", "question")):
        for entry in getattr(content, kind):
            name = entry.slug or auto_slug(getattr(entry, title))
            names[(kind, entry.order)] = f"{kind}/{entry.order:02d}-{name}"
    return names


def _write_translations(folder: Path, language: str, found, names: dict) -> None:
    meta: dict[str, Any] = {}
    if found.guide:
        meta |= _out(found.guide.text)
        meta["english"] = _out(found.guide.english)
    if found.controls:
        meta["controls"] = {p.key: {**_out(p.text), "english": _out(p.english)}
                            for p in found.controls}  # fmt: skip
    if found.region_rules:
        meta["region_rules"] = [
            {"control": p.control, "region": p.region, "starts": p.starts, **_out(p.text),
             "english": _out(p.english)}
            for p in found.region_rules
        ]  # fmt: skip
    if meta:
        (folder / f"guide.{language}.yaml").write_text(folder_files.dump(meta), encoding="utf-8")
    for kind in ("steps", "faq"):
        for piece in getattr(found, kind):
            front = {**_out(piece.text, exclude={"body"}), "english": _out(piece.english)}
            path = folder / f"{names[(kind, piece.order)]}.{language}.md"
            path.write_text(folder_files.document(front, piece.text.body), encoding="utf-8")
