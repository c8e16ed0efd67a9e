from django import forms
from django.utils.translation import gettext as _

from optout.guides.regions import Region

from .models import Surface


class ReportForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=1_000_000)
    step = forms.IntegerField(min_value=1, max_value=1_000_000)
    surface = forms.ChoiceField(choices=Surface.choices)
    region = forms.ChoiceField(choices=[("", ""), *Region.choices], required=False)
    text = forms.CharField(max_length=500, required=False)
    # A field people never see: software that fills in every field gives itself away.
    website = forms.CharField(required=False)

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        lowered = text.lower()  # WWW.example.org and HTTPS:// are links too
        if "http://" in lowered or "https://" in lowered or "www." in lowered:
            raise forms.ValidationError(_("Please describe what you see without links."))
        return text


class DismissForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="Why no change is needed, for the other editors.",
    )
