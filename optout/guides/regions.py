"""The regions a visitor can pick. Region rules are dated per control and region."""

from django.db import models


class Region(models.TextChoices):
    EU = "eu", "EU / EEA"
    UK = "uk", "United Kingdom"
    CH = "ch", "Switzerland"
    US = "us", "United States"
    CA = "ca", "Canada"
    HK = "hk", "Hong Kong"
    OTHER = "other", "Other countries"


# How the region reads inside a sentence ("members in the EU").
IN_SENTENCE = {
    Region.EU: "the EU and EEA",
    Region.UK: "the United Kingdom",
    Region.CH: "Switzerland",
    Region.US: "the United States",
    Region.CA: "Canada",
    Region.HK: "Hong Kong",
    Region.OTHER: "other countries",
}
