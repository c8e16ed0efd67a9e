from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info

from .markdown import validate_no_raw_html
from .models import GuideVersion
from .text import NormalizedFormField


class SourceChoiceField(forms.MultipleChoiceField):
    """The sources a step, answer or region rule cites, ticked in a list of the draft's sources
    by title (stored as their keys). A key cited but no longer among the draft's sources is
    listed too, marked, so that it is never dropped without the editor seeing it."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "invalid_choice": "%(value)s is not a source of this draft. Add it under Sources, save, "
        "then choose it here.",
        "required": "Choose at least one source.",
    }

    def set_sources(self, sources, cited=()) -> None:
        def label(source) -> str:
            where = ", ".join(part for part in (source.publisher, source.published) if part)
            return f"{source.title} ({where})" if where else source.title

        choices = [(s.key, label(s)) for s in sorted(sources, key=lambda s: s.title.lower())]
        known = {key for key, _label in choices}
        choices += [
            (key, f"{key}: not a source of this draft any more, untick it")
            for key in cited
            if key not in known
        ]
        self.choices = choices


class CitesSourcesForm(forms.ModelForm):
    """A model form with a `source_keys` list chosen from the draft's sources (the formset
    passes them in as `sources`)."""

    source_keys = SourceChoiceField(label="Sources")

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        cited = self.initial.get("source_keys") or []
        self.fields["source_keys"].set_sources(sources, cited)

    def clean_source_keys(self) -> list[str]:
        """The keys chosen, those cited before first in their old order (so that saving the
        same choice never reorders them and counts as a change)."""
        chosen = self.cleaned_data["source_keys"]
        before = [key for key in self.initial.get("source_keys") or [] if key in chosen]
        return before + [key for key in chosen if key not in before]


class DraftForm(forms.ModelForm):
    """The draft's own fields, plus the revision it was loaded at (see GuideVersionAdmin)."""

    loaded_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GuideVersion
        fields = ["title", "summary", "intro_md"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                GuideVersion.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("revision", "status")
                .first()
            )
            if current is None or current[1] != GuideVersion.Status.DRAFT:
                raise ValidationError(
                    "This draft has been published or deleted since you opened it, so it can no "
                    "longer change. Your text is still below: copy what you need into a new draft."
                )
            loaded = cleaned.get("loaded_revision")
            if loaded is not None and loaded != current[0]:
                raise ValidationError(
                    "Someone else saved this draft while you were editing it. Nothing of yours "
                    "was saved and nothing is lost: your changes are still below. Open the draft "
                    "in a new tab to see theirs, bring your changes over, and save there."
                )
        return cleaned


class PublishForm(forms.Form):
    summary = NormalizedFormField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        max_length=2000,
        help_text="Visitors read this on the changes page and in the feed.",
    )
    recheck = forms.MultipleChoiceField(
        label="Visitors who ticked these must check them again",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick a control when its steps changed in a way that may mean a visitor's "
        "setting is no longer off (for example LinkedIn moved or reset it).",
    )

    def __init__(self, *args, controls: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recheck"].choices = controls
        for code in settings.CONTENT_LANGUAGES:
            name = get_language_info(code)["name"]  # in English, like the rest of the admin
            self.fields[f"summary_{code}"] = NormalizedFormField(
                label=f"What changed, in {name}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code, "class": "vLargeTextField"}),
                help_text=f"Optional. Without it, visitors reading in {name} see the English.",
            )

    def translated_summaries(self) -> dict[str, str]:
        return {
            code: text
            for code in settings.CONTENT_LANGUAGES
            if (text := self.cleaned_data.get(f"summary_{code}", "").strip())
        }

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Say in a sentence what changed.")
        return summary


class CheckForm(forms.Form):
    checked_on = forms.DateField(
        label="Checked against the platform on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day you followed every step on the platform and found them true.",
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["checked_on"].initial = today

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > self.today:
            raise ValidationError("The check cannot be in the future.")
        return day


class TranslationForm(forms.Form):
    """One piece of a draft in one language: a field per translatable field that has English.

    Saving records today's English as what was translated, so the piece is up to date again.
    Leaving every field empty removes the translation (visitors then see the English)."""

    def __init__(self, *args, english: dict[str, str], labels: dict[str, str], language, **kw):
        super().__init__(*args, **kw)
        for field, text in english.items():
            if not text:
                continue
            long = field.endswith("_md") or len(text) > 120
            self.fields[field] = NormalizedFormField(
                markdown=field.endswith("_md"),
                label=labels[field],
                required=False,
                strip=True,
                max_length=20_000 if long else 300,
                widget=forms.Textarea(
                    attrs={
                        "rows": 8 if field.endswith("_md") else 3,
                        "lang": language,
                        "class": "vLargeTextField",
                    }
                )
                if long
                else forms.TextInput(attrs={"lang": language, "class": "vTextField"}),
                validators=[validate_no_raw_html] if field.endswith("_md") else [],
            )
            self.fields[field].english = text

    def text(self) -> dict[str, str]:
        return {field: value for field, value in self.cleaned_data.items() if value}
