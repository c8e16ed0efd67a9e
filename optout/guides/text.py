"""Guide text in one normal form, whichever way it arrives.

Browsers send a textarea's lines with CRLF line endings, files may have CR or trailing spaces,
and code passes whatever it has. Every text and Markdown field of the guide's models (see
`TextField`, `CharField`, `MarkdownField` below) normalises its value when it is cleaned, saved
or posted through a form, so that the same text is always stored the same way and an edit
changes only what the editor changed:

- line endings become ``\\n``;
- whitespace at the end of each line and around the whole text is removed;
- in Markdown, a line ending in two or more spaces before another line (a CommonMark hard line
  break) ends in a backslash instead, the visible way of writing the same break.
"""

import re

from django import forms
from django.db import models

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#")


def normalize(value, *, markdown: bool = False):
    """`value` in normal form (anything that is not a string is returned unchanged)."""
    if not isinstance(value, str):
        return value
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    fence = ""
    for index, line in enumerate(lines):
        stripped = line.rstrip()
        if markdown:
            opening = _FENCE.match(line)
            if fence and opening and opening.group(1).startswith(fence):
                fence = ""
            elif not fence and opening:
                fence = opening.group(1)
            elif (
                not fence
                and stripped
                and line.endswith("  ")
                and not stripped.endswith("\\")
                and not _HEADING.match(line)
                and index + 1 < len(lines)
                and lines[index + 1].strip()
            ):
                stripped += "\\"
        out.append(stripped)
    return "\n".join(out).strip()


class NormalizedFormField(forms.CharField):
    """A form field that cleans to the normal form, so that re-submitting unchanged text (with
    a browser's CRLF) does not count as a change."""

    def __init__(self, *, markdown: bool = False, **kwargs):
        self.markdown = markdown
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize(super().to_python(value), markdown=self.markdown)


class _Normalized:
    markdown = False

    def to_python(self, value):
        return normalize(super().to_python(value), markdown=self.markdown)

    def pre_save(self, model_instance, add):
        value = normalize(getattr(model_instance, self.attname), markdown=self.markdown)
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        if self.choices is None:
            kwargs = {"form_class": NormalizedFormField, "markdown": self.markdown, **kwargs}
        return super().formfield(**kwargs)


class CharField(_Normalized, models.CharField):
    """A one-line text field stored in normal form."""


class TextField(_Normalized, models.TextField):
    """A plain text field stored in normal form."""


class MarkdownField(TextField):
    """A Markdown field stored in normal form (hard line breaks written as a backslash)."""

    markdown = True


def normalize_fields(instance: models.Model) -> None:
    """Put every normalised field of `instance` in normal form now (before rendering HTML
    from it, say); saving does it anyway."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, _Normalized):
            field.pre_save(instance, False)
