"""What changed between two versions of a guide, step by step, in readable form."""

import difflib
from dataclasses import dataclass, field

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
    kind: str  # "added", "removed", "changed"
    title: str
    old_title: str = ""
    fields: list[tuple[str, SafeString]] = field(default_factory=list)


@dataclass
class SectionDiff:
    name: str
    key: str
    changes: list[Change]
    recheck: bool


def _fields(old: dict | None, new: dict | None, names: dict[str, str]) -> list:
    out = []
    for name, label in names.items():
        a = (old or {}).get(name) or ""
        b = (new or {}).get(name) or ""
        a = ", ".join(a) if isinstance(a, list) else str(a)
        b = ", ".join(b) if isinstance(b, list) else str(b)
        if a != b:
            out.append((label, word_diff(a, b)))
    return out


STEP_FIELDS = {"title": gettext_lazy("Title"), "body": gettext_lazy("Text"),
               "link": gettext_lazy("Link"), "link_text": gettext_lazy("Link text"),
               "note": gettext_lazy("Note"), "sources": gettext_lazy("Sources")}  # fmt: skip
FAQ_FIELDS = {"question": gettext_lazy("Question"), "body": gettext_lazy("Answer"),
              "sources": gettext_lazy("Sources")}  # fmt: skip
CONTROL_FIELDS = {"name": gettext_lazy("Name"), "summary": gettext_lazy("Summary"),
                  "link": gettext_lazy("Link"), "link_text": gettext_lazy("Link text")}  # fmt: skip


def _match(old: list[dict], new: list[dict], title: str, names: dict) -> list[Change]:
    """Pair entries by title; entries replaced one for one count as changed."""
    changes = []
    matcher = difflib.SequenceMatcher(
        a=[e[title] for e in old], b=[e[title] for e in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                if fields := _fields(a, b, names):
                    changes.append(Change("changed", b[title], a[title], fields))
            continue
        changes += [Change("removed", e[title], fields=_fields(e, None, names)) for e in old[i1:i2]]
        changes += [Change("added", e[title], fields=_fields(None, e, names)) for e in new[j1:j2]]
    return changes


def diff(old: dict, new: dict, recheck: list[str]) -> dict:
    """Compare two versions' content (see content.version_content)."""
    sections = []
    old_controls = {c["key"]: c for c in old["controls"]}
    for control in new["controls"]:
        key = control["key"]
        changes = []
        if key not in old_controls:
            changes.append(Change("added", control["name"]))
        elif fields := _fields(old_controls[key], control, CONTROL_FIELDS):
            changes.append(Change("changed", control["name"], old_controls[key]["name"], fields))
        changes += _match(
            [s for s in old["steps"] if s["control"] == key],
            [s for s in new["steps"] if s["control"] == key],
            "title",
            STEP_FIELDS,
        )
        rules_old = {_rule_text(r) for r in old["region_rules"] if r["control"] == key}
        rules_new = {_rule_text(r) for r in new["region_rules"] if r["control"] == key}
        rule = _("Region rule: %(rule)s")
        changes += [Change("removed", rule % {"rule": t}) for t in sorted(rules_old - rules_new)]
        changes += [Change("added", rule % {"rule": t}) for t in sorted(rules_new - rules_old)]
        sections.append(SectionDiff(control["name"], key, changes, key in recheck))
    for key, control in old_controls.items():
        if key not in {c["key"] for c in new["controls"]}:
            sections.append(
                SectionDiff(control["name"], key, [Change("removed", control["name"])], False)
            )
    return {
        "sections": sections,
        "faq": _match(old["faq"], new["faq"], "question", FAQ_FIELDS),
        "intro": _fields(old, new, {"title": _("Title"), "intro": _("Introduction")}),
        "has_changes": any(s.changes for s in sections)
        or bool(old["faq"] != new["faq"])
        or old["intro"] != new["intro"]
        or old["title"] != new["title"],
    }


def _rule_text(rule: dict) -> str:
    start = rule["starts"].isoformat() if rule["starts"] else _("open start")
    end = rule["ends"].isoformat() if rule["ends"] else _("open end")
    uses = (
        _("uses data by default")
        if rule["uses_data_by_default"]
        else _("does not use data by default")
    )
    text = _("%(region)s, %(start)s to %(end)s: %(uses)s") % {
        "region": rule["region"].upper(), "start": start, "end": end, "uses": uses,
    }  # fmt: skip
    # A rule is never shown without its note: a changed note is a changed rule.
    if rule.get("note"):
        text = _("%(rule)s. Note: %(note)s") % {"rule": text, "note": rule["note"]}
    return text
