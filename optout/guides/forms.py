from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info

from .markdown import validate_no_raw_html
from .models import GuideVersion


class SourceKeysField(forms.CharField):
    """A list of source keys, edited as "seed-000, seed-003"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [key.strip() for key in (value or "").split(",") if key.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError("Name at least one source (its key, such as seed-000).")


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
    summary = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 3}),
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
            self.fields[f"summary_{code}"] = forms.CharField(
                label=f"What changed, in {name}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "lang": code}),
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
            self.fields[field] = forms.CharField(
                label=labels[field],
                required=False,
                strip=True,
                max_length=20_000 if long else 300,
                widget=forms.Textarea(
                    attrs={"rows": 8 if field.endswith("_md") else 3, "lang": language}
                )
                if long
                else forms.TextInput(attrs={"size": 80, "lang": language}),
                validators=[validate_no_raw_html] if field.endswith("_md") else [],
            )
            self.fields[field].english = text

    def text(self) -> dict[str, str]:
        return {field: value for field, value in self.cleaned_data.items() if value}
