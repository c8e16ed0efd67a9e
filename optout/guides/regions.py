"""The regions a visitor can pick. Region rules are dated per control and region."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    EU = "eu", _("EU / EEA")
    UK = "uk", _("United Kingdom")
    CH = "ch", _("Switzerland")
    US = "us", _("United States")
    CA = "ca", _("Canada")
    HK = "hk", _("Hong Kong")
    OTHER = "other", _("Other countries")


# How the region reads inside a sentence ("the data of members in the EU").
IN_SENTENCE = {
    Region.EU: _("members in the EU and EEA"),
    Region.UK: _("members in the United Kingdom"),
    Region.CH: _("members in Switzerland"),
    Region.US: _("members in the United States"),
    Region.CA: _("members in Canada"),
    Region.HK: _("members in Hong Kong"),
    Region.OTHER: _("members in other countries"),
}
