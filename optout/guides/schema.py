"""The guide content format, defined once.

Typed models (pydantic v2) of everything that reads or writes guide content:

- `GuideFile`, `StepFile`, `FaqFile`, `GuideTranslationFile`, `StepTranslationFile`,
  `FaqTranslationFile` and `ReleaseFile`: the files of a guide folder (see content.py);
- `GuideContent`: one version's content, as `read_folder()` gives it, `create_draft()` stores it
  and `content_of()` reads it back;
- `VersionDocument`: the public JSON of a published version (docs/json-format.md).

Types and shapes are checked by the models; what spans several pieces (a step naming a control
or a source that exists, two rules overlapping, a translation of a missing piece) by
`GuideContent.problems()`. `docs/schema/*.json` are generated from these models
(`manage.py guideschema --write`).

Values are normalised where they enter: line endings become `\\n`, text is stripped. Content
read back from the database is validated with `TRUSTED` as context: it keeps its types and
normalisation, but the rules for new content (key spelling, URLs, no raw HTML, nothing empty)
are left to the forms that wrote it, so an older version can always be read and exported.
"""

import datetime
import re
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)

from . import markdown
from .models import FaqEntry, GuideVersion, Platform, Section, Source, Step
from .regions import Region

TRUSTED = {"trusted": True}
KEY_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MARKDOWN_MAX = 20_000
_url = URLValidator(schemes=["https", "http"])


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _trusted(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("trusted"))


def normalise(value: Any) -> Any:
    """Line endings to \\n, surrounding whitespace off. Anything but text is left for the type
    check to refuse."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _filled(value: str, info: ValidationInfo) -> str:
    if not value and not _trusted(info):
        raise ValueError("must not be empty")
    return value


def _key(value: str, info: ValidationInfo) -> str:
    if not _trusted(info) and not re.match(KEY_PATTERN, value):
        raise ValueError(
            f"{value!r} must be lowercase letters, digits and hyphens, like ai-training"
        )
    return value


def _link(value: str, info: ValidationInfo) -> str:
    if value and not _trusted(info):
        try:
            _url(value)
        except DjangoValidationError:
            raise ValueError(f"{value!r} is not an http(s) address") from None
    return value


def _no_raw_html(value: str, info: ValidationInfo) -> str:
    if value and not _trusted(info) and (found := markdown.raw_html(value)):
        raise ValueError(markdown.raw_html_message(found))
    return value


def _date(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date like 2025-11-03, or null")


def _limit(max_length: int):
    def check(value: str, info: ValidationInfo) -> str:
        if len(value) > max_length and not _trusted(info):
            raise ValueError(f"is longer than {max_length} characters")
        return value

    return AfterValidator(check)


def _text(max_length: int | None = None, *, required: bool = True):
    checks = [BeforeValidator(normalise), Field(max_length=max_length)]
    if required:
        checks += [AfterValidator(_filled), Field(json_schema_extra={"minLength": 1})]
    return Annotated[str, *checks]


Key = Annotated[
    str,
    BeforeValidator(normalise),
    AfterValidator(_key),
    Field(max_length=50, json_schema_extra={"pattern": KEY_PATTERN, "minLength": 1}),
]
Url = Annotated[
    str,
    BeforeValidator(normalise),
    AfterValidator(_link),
    Field(max_length=200, json_schema_extra={"format": "uri-reference"}),
]
_MARKDOWN = {"description": "Markdown, without raw HTML", "maxLength": MARKDOWN_MAX}
Markdown = Annotated[
    str,
    BeforeValidator(normalise),
    _limit(MARKDOWN_MAX),
    AfterValidator(_no_raw_html),
    AfterValidator(_filled),
    Field(json_schema_extra={**_MARKDOWN, "minLength": 1}),
]
OptionalMarkdown = Annotated[
    str,
    BeforeValidator(normalise),
    _limit(MARKDOWN_MAX),
    AfterValidator(_no_raw_html),
    Field(json_schema_extra=_MARKDOWN),
]
Date = Annotated[datetime.date | None, BeforeValidator(_date)]
Order = Annotated[StrictInt, Field(ge=1, le=9999)]
SourceKeys = Annotated[list[Key], Field(max_length=100)]
Language = Literal[tuple(settings.CONTENT_LANGUAGES)]
RegionCode = Literal[tuple(Region.values)]
Kind = Literal[tuple(Section.Kind.values)]
Slug = Annotated[
    str,
    BeforeValidator(normalise),
    AfterValidator(_key),
    Field(max_length=_max(Step, "slug"), json_schema_extra={"pattern": KEY_PATTERN}),
]


class Strict(BaseModel):
    """Unknown fields are refused; names are kept in the order of the fields."""

    model_config = ConfigDict(extra="forbid", validate_default=False)


# Pieces of guide.yaml.


class PlatformItem(Strict):
    slug: Key
    name: _text(_max(Platform, "name"))
    url: Url = ""


class SourceItem(Strict):
    key: Key
    title: _text(_max(Source, "title"))
    publisher: _text(_max(Source, "publisher"))
    published: _text(_max(Source, "published"), required=False) = ""
    url: Url = ""


class ControlItem(Strict):
    key: Key
    name: _text(_max(Section, "name"))
    short_name: _text(_max(Section, "short_name"))
    kind: Kind = "setting"
    summary: _text()
    link: Url = ""
    link_text: _text(_max(Section, "link_text"), required=False) = ""

    @model_validator(mode="after")
    def _link_has_text(self, info: ValidationInfo):
        if self.link and not self.link_text and not _trusted(info):
            raise ValueError("link_text is needed when there is a link")
        return self


class RegionRuleItem(Strict):
    control: Key
    region: RegionCode
    starts: Date = None
    ends: Date = None
    uses_data_by_default: StrictBool
    note: _text(required=False) = ""
    sources: SourceKeys

    @model_validator(mode="after")
    def _ends_after_start(self):
        if self.starts and self.ends and self.starts >= self.ends:
            raise ValueError("ends must be after starts")
        return self


class GuideFile(Strict):
    """guide.yaml: the guide, its sources, its controls and its dated region rules."""

    slug: Key
    title: _text(_max(GuideVersion, "title"))
    platform: PlatformItem
    summary: _text(_max(GuideVersion, "summary"))
    intro: Markdown
    sources: Annotated[list[SourceItem], Field(max_length=500)]
    controls: Annotated[list[ControlItem], Field(max_length=100)]
    region_rules: Annotated[list[RegionRuleItem], Field(max_length=1000)] = []


# Steps and FAQ entries: steps/NN-name.md and faq/NN-name.md, front matter then Markdown.


class StepFile(Strict):
    """The front matter of steps/NN-name.md (the Markdown after it is the body)."""

    order: Order
    control: Key
    title: _text(_max(Step, "title"))
    link: Url = ""
    link_text: _text(_max(Step, "link_text"), required=False) = ""
    sources: SourceKeys
    note: _text(required=False) = ""

    @model_validator(mode="after")
    def _link_has_text(self, info: ValidationInfo):
        if self.link and not self.link_text and not _trusted(info):
            raise ValueError("link_text is needed when there is a link")
        return self


class StepItem(StepFile):
    slug: Slug = ""
    body: Markdown


class FaqFile(Strict):
    """The front matter of faq/NN-name.md (the Markdown after it is the answer)."""

    order: Order
    question: _text(_max(FaqEntry, "question"))
    sources: SourceKeys


class FaqItem(FaqFile):
    slug: Slug = ""
    body: Markdown


# Translations: the translatable fields of each kind of piece, by their names in the folder.


class Fields(Strict):
    """Translatable fields: an empty one is not translated, and is left out when written."""

    @model_serializer(mode="wrap")
    def _without_empty(self, handler):
        return {k: v for k, v in handler(self).items() if v != ""}


class GuideFields(Fields):
    title: _text(_max(GuideVersion, "title"), required=False) = ""
    summary: _text(_max(GuideVersion, "summary"), required=False) = ""
    intro: OptionalMarkdown = ""


class ControlFields(Fields):
    name: _text(_max(Section, "name"), required=False) = ""
    short_name: _text(_max(Section, "short_name"), required=False) = ""
    summary: _text(required=False) = ""
    link_text: _text(_max(Section, "link_text"), required=False) = ""


class RuleFields(Fields):
    note: _text(required=False) = ""


class StepFields(Fields):
    title: _text(_max(Step, "title"), required=False) = ""
    link_text: _text(_max(Step, "link_text"), required=False) = ""
    note: _text(required=False) = ""
    body: OptionalMarkdown = ""


class FaqFields(Fields):
    question: _text(_max(FaqEntry, "question"), required=False) = ""
    body: OptionalMarkdown = ""


class GuideTranslation(Strict):
    text: GuideFields
    english: GuideFields


class ControlTranslation(Strict):
    key: Key
    text: ControlFields
    english: ControlFields


class RuleTranslation(Strict):
    control: Key
    region: RegionCode
    starts: Date = None
    text: RuleFields
    english: RuleFields


class StepTranslation(Strict):
    order: Order
    text: StepFields
    english: StepFields


class FaqTranslation(Strict):
    order: Order
    text: FaqFields
    english: FaqFields


class LanguageTranslations(Strict):
    guide: GuideTranslation | None = None
    controls: list[ControlTranslation] = []
    region_rules: list[RuleTranslation] = []
    steps: list[StepTranslation] = []
    faq: list[FaqTranslation] = []


# The translation files of a folder. Each holds the translated fields and, under `english:`,
# the English they were translated from.


# A translated field may be left out, but not left empty.


class ControlTranslationEntry(Fields):
    name: _text(_max(Section, "name")) = ""
    short_name: _text(_max(Section, "short_name")) = ""
    summary: _text() = ""
    link_text: _text(_max(Section, "link_text")) = ""
    english: ControlFields


class RuleTranslationEntry(Fields):
    control: Key
    region: RegionCode
    starts: Date = None
    note: _text() = ""
    english: RuleFields


class GuideTranslationFile(Fields):
    """guide.LL.yaml: the guide's title, summary and intro, its controls (by key) and its region
    notes (by control, region and start date) in language LL."""

    title: _text(_max(GuideVersion, "title")) = ""
    summary: _text(_max(GuideVersion, "summary")) = ""
    intro: Markdown = ""
    english: GuideFields | None = None
    controls: dict[Key, ControlTranslationEntry] = {}
    region_rules: list[RuleTranslationEntry] = []


class StepTranslationFile(Fields):
    """The front matter of steps/NN-name.LL.md (the Markdown after it is the translated body)."""

    title: _text(_max(Step, "title")) = ""
    link_text: _text(_max(Step, "link_text")) = ""
    note: _text() = ""
    english: StepFields


class FaqTranslationFile(Fields):
    """The front matter of faq/NN-name.LL.md (the Markdown after it is the translated answer)."""

    question: _text(_max(FaqEntry, "question")) = ""
    english: FaqFields


class ReleaseFile(Strict):
    """release.yaml (optional): what an upgrade of an installed site brings, for its editors:
    a summary per language and the controls visitors should check again."""

    summary: dict[Literal[tuple(["en", *settings.CONTENT_LANGUAGES])], _text(2000)] = {}
    recheck: Annotated[list[Key], Field(max_length=100)] = []


# One version's content.


class GuideContent(GuideFile):
    """A version's content: guide.yaml's fields, the steps and FAQ entries with their Markdown,
    and the translations by language."""

    steps: Annotated[list[StepItem], Field(max_length=500)] = []
    faq: Annotated[list[FaqItem], Field(max_length=500)] = []
    translations: dict[Language, LanguageTranslations] = {}
    release: ReleaseFile | None = Field(default=None, exclude=True)

    def problems(self) -> list[tuple[tuple, str]]:
        """What the types cannot see: references between pieces, duplicates, overlaps and
        translations that do not fit the English. (location, message) pairs."""
        found: list[tuple[tuple, str]] = []
        for name, items in (("sources", self.sources), ("controls", self.controls)):
            if not items:
                found.append(((name,), f"must list at least one of the guide's {name}"))
            keys = [item.key for item in items]
            for i, key in enumerate(keys):
                if key in keys[:i]:
                    found.append(((name, i, "key"), f"the key {key!r} is listed twice"))
        sources = {s.key for s in self.sources}
        controls = {c.key for c in self.controls}
        cited = [("region_rules", self.region_rules), ("steps", self.steps), ("faq", self.faq)]
        for name, items in cited:
            for i, item in enumerate(items):
                if not item.sources:
                    found.append(((name, i, "sources"), "must name at least one source"))
                for key in item.sources:
                    if key not in sources:
                        found.append(
                            ((name, i, "sources"), f"{key!r} is not a source listed in guide.yaml")
                        )
                control = getattr(item, "control", None)
                if control is not None and control not in controls:
                    found.append(
                        ((name, i, "control"), f"{control!r} is not a control listed in guide.yaml")
                    )
        for i, rule in enumerate(self.region_rules):
            for j, other in enumerate(self.region_rules[:i]):
                same = (other.control, other.region) == (rule.control, rule.region)
                if same and _overlap(rule, other):
                    found.append(
                        (
                            ("region_rules", i, "starts"),
                            f"overlaps region_rules[{j}] for the same control and region",
                        )
                    )
        if not self.steps:
            found.append((("steps",), "the guide needs at least one step"))
        for name, items in (("steps", self.steps), ("faq", self.faq)):
            orders = [item.order for item in items]
            for i, order in enumerate(orders):
                if order in orders[:i]:
                    found.append(((name, i, "order"), f"{order} is used by another entry too"))
        for language, pieces in self.translations.items():
            found += [(("translations", language, *loc), message)
                      for loc, message in self._translation_problems(pieces)]  # fmt: skip
        return found

    def _translation_problems(self, pieces: LanguageTranslations):
        rules = {(r.control, r.region, r.starts): r for r in self.region_rules}
        english = {
            "controls": {c.key: c for c in self.controls},
            "steps": {s.order: s for s in self.steps},
            "faq": {f.order: f for f in self.faq},
        }
        targets = [("guide", None, pieces.guide, self)] if pieces.guide else []
        targets += [("controls", i, p, english["controls"].get(p.key))
                    for i, p in enumerate(pieces.controls)]  # fmt: skip
        targets += [("region_rules", i, p, rules.get((p.control, p.region, p.starts)))
                    for i, p in enumerate(pieces.region_rules)]  # fmt: skip
        targets += [("steps", i, p, english["steps"].get(p.order))
                    for i, p in enumerate(pieces.steps)]  # fmt: skip
        targets += [("faq", i, p, english["faq"].get(p.order)) for i, p in enumerate(pieces.faq)]
        for kind, index, piece, original in targets:
            loc = (kind,) if index is None else (kind, index)
            if original is None:
                yield loc, f"translates {_NO_SUCH[kind]}"
                continue
            text = piece.text.model_dump(exclude_defaults=True)
            if not text:
                yield loc, "translates nothing: add translated fields, or leave it out"
            for field in text:
                if not getattr(original, field, ""):
                    yield (*loc, field), "has no English to translate: leave it out"


_NO_SUCH = {
    "controls": "a control that is not listed in guide.yaml",
    "region_rules": "no region rule of guide.yaml (none has this control, region and starts)",
    "steps": "a step that does not exist",
    "faq": "an FAQ entry that does not exist",
}


def _overlap(a: RegionRuleItem, b: RegionRuleItem) -> bool:
    lo = max(a.starts or datetime.date.min, b.starts or datetime.date.min)
    hi = min(a.ends or datetime.date.max, b.ends or datetime.date.max)
    return lo < hi


# The public JSON of a version.


class PublishedStep(StepItem):
    body_html: str = Field(description="the body as sanitised HTML")


class PublishedFaq(FaqItem):
    body_html: str = Field(description="the answer as sanitised HTML")


class VersionDocument(GuideContent):
    """A published version as JSON, format optout-guide/1 (docs/json-format.md)."""

    format: Literal["optout-guide/1"] = "optout-guide/1"
    guide: Key
    version: Order
    current: bool
    published_at: datetime.datetime
    change_summary: str
    recheck_controls: list[Key]
    last_checked_on: datetime.date | None
    url: str
    steps: list[PublishedStep] = []
    faq: list[PublishedFaq] = []

    slug: str = Field(default="", exclude=True)  # the guide's slug is `guide`

    def as_json(self) -> dict:
        """The document's own fields first, then the content."""
        data = self.model_dump(mode="json")
        return {**{k: data[k] for k in _DOCUMENT_FIRST}, **data}


_DOCUMENT_FIRST = ("format", "guide", "version", "current", "published_at", "change_summary",
                   "recheck_controls", "last_checked_on", "url")  # fmt: skip


# Errors as editors read them: the field, and what was expected.


def describe(exc: ValidationError, prefix: tuple = ()) -> list[tuple[str, str]]:
    """(field, message) for each error of a validation."""
    return [
        (field_name((*prefix, *error["loc"])), _message(error))
        for error in exc.errors(include_url=False)
    ]


def field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "fields"


_TYPES = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list",
          dict: "a mapping", type(None): "empty"}  # fmt: skip


def _message(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    got = _TYPES.get(type(value), type(value).__name__)
    messages = {
        "missing": "is missing",
        "extra_forbidden": "is not a known field",
        "string_type": f"must be text, not {got}",
        "string_too_short": "must not be empty",
        "string_too_long": f"is longer than {ctx.get('max_length')} characters",
        "int_type": f"must be a whole number, not {got}",
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "bool_type": f"must be true or false, not {got}",
        "list_type": f"must be a list, not {got}",
        "dict_type": f"must be a mapping of fields, not {got}",
        "model_type": f"must be a mapping of fields, not {got}",
        "model_attributes_type": f"must be a mapping of fields, not {got}",
        "too_long": f"is longer than {ctx.get('max_length')} characters"
        if isinstance(value, str)
        else f"lists more than {ctx.get('max_length')} items",
        "literal_error": f"must be one of {ctx.get('expected')}",
        "value_error": str(ctx.get("error", error["msg"])),
    }
    return messages.get(kind, error["msg"])


SCHEMAS = {
    "guide-version.schema.json": VersionDocument,
    "guide-folder/guide.schema.json": GuideFile,
    "guide-folder/step.schema.json": StepFile,
    "guide-folder/faq.schema.json": FaqFile,
    "guide-folder/guide-translation.schema.json": GuideTranslationFile,
    "guide-folder/step-translation.schema.json": StepTranslationFile,
    "guide-folder/faq-translation.schema.json": FaqTranslationFile,
    "guide-folder/release.schema.json": ReleaseFile,
}


def json_schemas() -> dict[str, dict]:
    """The JSON Schema of each file the format defines, by its path under docs/schema/."""
    out = {}
    for path, model in SCHEMAS.items():
        schema = model.model_json_schema(
            mode="serialization" if model is VersionDocument else "validation"
        )
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        out[path] = schema
    return out
