"""What changed between two versions of a guide, piece by piece and field by field.

`snapshot()` reads everything a visitor sees of a version (its title, summary and introduction,
each control, step, FAQ entry, region rule with its dates, and each source) into plain data;
`diff()` compares two snapshots for the public "what changed" page and the publish page;
`describe()` says the same in one line for the audit log.
"""

import difflib
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def word_diff(old: str, new: str) -> SafeString:
    """The new text with removed words in <del> and added words in <ins>."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))  # every piece is escaped above


@dataclass
class Change:
    kind: str  # "added", "removed", "changed", "moved"
    title: str
    old_title: str = ""
    fields: list[tuple[str, SafeString]] = field(default_factory=list)
    piece: str = ""  # what it is, in English for the audit log: "step", "source", ...

    def describe(self) -> str:
        """`changed step "Find the setting" (text, sources)`, in the active language's labels."""
        what = f'{self.kind} {self.piece} "{self.title}"'
        if self.kind == "changed" and self.old_title and self.old_title != self.title:
            what = f'{self.kind} {self.piece} "{self.old_title}" (now "{self.title}")'
        if self.kind in ("changed", "moved") and self.fields:
            what += f" ({', '.join(str(label).lower() for label, _text in self.fields)})"
        return what


@dataclass
class SectionDiff:
    name: str
    key: str
    changes: list[Change]
    recheck: bool


GUIDE_FIELDS = {"title": gettext_lazy("Title"), "summary": gettext_lazy("Summary"),
                "intro": gettext_lazy("Introduction")}  # fmt: skip
CONTROL_FIELDS = {"name": gettext_lazy("Name"), "short_name": gettext_lazy("Short name"),
                  "kind": gettext_lazy("Type"), "summary": gettext_lazy("Summary"),
                  "link": gettext_lazy("Link"), "link_text": gettext_lazy("Link text")}  # fmt: skip
STEP_FIELDS = {"title": gettext_lazy("Title"), "body": gettext_lazy("Text"),
               "link": gettext_lazy("Link"), "link_text": gettext_lazy("Link text"),
               "note": gettext_lazy("Note"), "sources": gettext_lazy("Sources"),
               "screenshot": gettext_lazy("Screenshot"),
               "screenshot_alt": gettext_lazy("Screenshot description")}  # fmt: skip
FAQ_FIELDS = {"question": gettext_lazy("Question"), "body": gettext_lazy("Answer"),
              "sources": gettext_lazy("Sources")}  # fmt: skip
RULE_FIELDS = {"dates": gettext_lazy("Dates"), "uses": gettext_lazy("By default"),
               "note": gettext_lazy("Note"), "sources": gettext_lazy("Sources")}  # fmt: skip
SOURCE_FIELDS = {"title": gettext_lazy("Title"), "publisher": gettext_lazy("Publisher"),
                 "published": gettext_lazy("Published"),
                 "url": gettext_lazy("Address")}  # fmt: skip


def snapshot(version) -> dict:
    """Everything a visitor sees of `version`, as plain data to compare."""
    from .models import GuideVersion

    version = GuideVersion.objects.with_content().get(pk=version.pk)
    sources = version.sources_by_key()

    def cited(keys: list[str]) -> list[str]:
        return [sources[key].title if key in sources else key for key in keys]

    sections = version.sections_with_steps()
    return {
        "title": version.title,
        "summary": version.summary,
        "intro": version.intro_md,
        "controls": [
            {
                "key": section.key,
                "name": section.name,
                "short_name": section.short_name,
                "kind": section.get_kind_display(),
                "summary": section.summary,
                "link": section.link,
                "link_text": section.link_text,
            }
            for section in sections
        ],
        "steps": [
            {
                "control": section.key,
                "title": step.title,
                "body": step.body_md,
                "link": step.link,
                "link_text": step.link_text,
                "note": step.note,
                "sources": cited(step.source_keys),
                "screenshot": step.screenshot.name or "",
                "screenshot_alt": step.screenshot_alt,
            }
            for section in sections
            for step in section.step_list
        ],
        "faq": [
            {
                "question": entry.question,
                "body": entry.answer_md,
                "sources": cited(entry.source_keys),
            }
            for entry in version.faq()
        ],
        "region_rules": [
            {
                "control": section.key,
                "region": rule.region,
                "starts": rule.starts,
                "ends": rule.ends,
                "uses_data_by_default": rule.uses_data_by_default,
                "note": rule.note,
                "sources": cited(rule.source_keys),
            }
            for section in sections
            for rule in section.rule_list
        ],
        "sources": [
            {
                "key": source.key,
                "title": source.title,
                "publisher": source.publisher,
                "published": source.published,
                "url": source.url,
            }
            for source in sources.values()
        ],
    }


def _text(name: str, value) -> str:
    if isinstance(value, list):
        return "; ".join(value) if name == "sources" else ", ".join(value)
    return "" if value is None else str(value)


def _fields(old: dict | None, new: dict | None, names: dict) -> list[tuple[str, SafeString]]:
    out = []
    for name, label in names.items():
        a = _text(name, (old or {}).get(name))
        b = _text(name, (new or {}).get(name))
        if a == b:
            continue
        if name == "screenshot":
            # File names are random: say what happened to the picture instead.
            what = _("added") if not a else _("removed") if not b else _("replaced")
            out.append((label, mark_safe(f"<ins>{escape(what)}</ins>")))
        else:
            out.append((label, word_diff(a, b)))
    return out


def _match(old: list[dict], new: list[dict], title: str, names: dict, piece: str) -> list[Change]:
    """Pair entries by title; entries replaced one for one count as changed, and an entry
    removed in one place and added in another with the same title has moved."""
    changes = []
    matcher = difflib.SequenceMatcher(
        a=[e[title] for e in old], b=[e[title] for e in new], autojunk=False
    )
    removed, added = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                if fields := _fields(a, b, names):
                    changes.append(Change("changed", b[title], a[title], fields, piece))
            continue
        removed += old[i1:i2]
        added += new[j1:j2]
    for entry in added:
        twin = next((e for e in removed if e[title] == entry[title]), None)
        if twin is not None:
            removed.remove(twin)
            changes.append(
                Change("moved", entry[title], twin[title], _fields(twin, entry, names), piece)
            )
        else:
            changes.append(Change("added", entry[title], fields=_fields(None, entry, names),
                                  piece=piece))  # fmt: skip
    changes += [
        Change("removed", e[title], fields=_fields(e, None, names), piece=piece) for e in removed
    ]
    return changes


def _rule_text(rule: dict) -> str:
    uses = (
        _("uses data by default")
        if rule["uses_data_by_default"]
        else _("does not use data by default")
    )
    return _("%(region)s, %(start)s to %(end)s: %(uses)s") % {
        "region": rule["region"].upper(), "start": _start(rule), "end": _end(rule), "uses": uses,
    }  # fmt: skip


def _start(rule: dict) -> str:
    return rule["starts"].isoformat() if rule["starts"] else _("open start")


def _end(rule: dict) -> str:
    return rule["ends"].isoformat() if rule["ends"] else _("open end")


def _rules(rules: list[dict], control: str) -> list[dict]:
    """A control's rules, each with the title and the fields the diff shows."""
    return [
        {
            **rule,
            "label": _("Region rule: %(rule)s") % {"rule": _rule_text(rule)},
            "dates": _("%(region)s, %(start)s to %(end)s")
            % {"region": rule["region"].upper(), "start": _start(rule), "end": _end(rule)},
            "uses": _("uses data by default")
            if rule["uses_data_by_default"]
            else _("does not use data by default"),
        }
        for rule in rules
        if rule["control"] == control
    ]


def diff(old: dict, new: dict, recheck: list[str]) -> dict:
    """Compare two snapshots (see `snapshot`)."""
    sections = []
    old_controls = {c["key"]: c for c in old["controls"]}
    for control in new["controls"]:
        key = control["key"]
        changes = []
        if key not in old_controls:
            changes.append(Change("added", control["name"], piece="control"))
        elif fields := _fields(old_controls[key], control, CONTROL_FIELDS):
            changes.append(
                Change("changed", control["name"], old_controls[key]["name"], fields, "control")
            )
        changes += _match(
            [s for s in old["steps"] if s["control"] == key],
            [s for s in new["steps"] if s["control"] == key],
            "title",
            STEP_FIELDS,
            "step",
        )
        changes += _match(
            _rules(old["region_rules"], key),
            _rules(new["region_rules"], key),
            "label",
            RULE_FIELDS,
            "region rule",
        )
        sections.append(SectionDiff(control["name"], key, changes, key in recheck))
    for key, control in old_controls.items():
        if key not in {c["key"] for c in new["controls"]}:
            sections.append(
                SectionDiff(
                    control["name"], key, [Change("removed", control["name"], piece="control")],
                    False,
                )
            )  # fmt: skip
    result = {
        "guide": _fields(old, new, GUIDE_FIELDS),
        "sections": sections,
        "faq": _match(old["faq"], new["faq"], "question", FAQ_FIELDS, "FAQ entry"),
        "sources": _match(
            sorted(old["sources"], key=lambda s: s["key"]),
            sorted(new["sources"], key=lambda s: s["key"]),
            "key",
            SOURCE_FIELDS,
            "source",
        ),
    }
    old_sources = {s["key"]: s for s in old["sources"]}
    new_sources = {s["key"]: s for s in new["sources"]}
    for change in result["sources"]:
        # Sources are known to visitors by their titles, not their keys.
        before, after = old_sources.get(change.title), new_sources.get(change.title)
        change.title = (after or before)["title"]
        change.old_title = (before or after)["title"]
    result["count"] = (
        bool(result["guide"])
        + sum(len(section.changes) for section in sections)
        + len(result["faq"])
        + len(result["sources"])
    )
    result["has_changes"] = result["count"] > 0
    return result


def describe(old: dict, new: dict) -> str:
    """What changed from `old` to `new`, in one line of English for the audit log."""
    with translation.override("en"):
        found = diff(old, new, [])
        parts = []
        if found["guide"]:
            fields = ", ".join(str(label).lower() for label, _text in found["guide"])
            parts.append(f"changed the guide's {fields}")
        for section in found["sections"]:
            parts += [change.describe() for change in section.changes]
        parts += [change.describe() for change in found["faq"] + found["sources"]]
    return "; ".join(parts)
