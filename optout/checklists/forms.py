from django import forms
from django.utils.translation import gettext_lazy as _

from optout.guides.regions import Region

from .models import Item


class ToggleForm(forms.Form):
    state = forms.ChoiceField(choices=[(s, s) for s in Item.STATES])
    region = forms.ChoiceField(choices=[("", ""), *Region.choices], required=False)
    next = forms.ChoiceField(
        choices=[("guide", "guide"), ("checklist", "checklist")], required=False
    )


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Resume code"),
        max_length=40,
        help_text=_(
            "16 letters and digits, like 7K3M-Q9XD-2PWA-HN4E. Case and dashes do not matter."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class ReminderForm(forms.Form):
    months = forms.TypedChoiceField(choices=[(3, 3), (6, 6), (12, 12)], coerce=int, initial=6)
