import datetime

import pytest

from optout import clock
from optout.guides.models import RegionRule

BEFORE = datetime.date(2025, 11, 2)
CHANGE = datetime.date(2025, 11, 3)
AFTER = datetime.date(2026, 1, 15)


@pytest.fixture
def eu_rules(published):
    return list(
        published.region_rules.filter(region="eu", control__key="ai-training").order_by("starts")
    )


def test_rules_apply_on_their_dates_only(eu_rules):
    until, since = sorted(eu_rules, key=RegionRule.sort_key)
    assert until.applies_on(BEFORE) and not until.applies_on(CHANGE)
    assert since.applies_on(CHANGE) and since.applies_on(AFTER) and not since.applies_on(BEFORE)


def test_the_sentences_read_right_before_and_after_the_change(eu_rules):
    until, since = sorted(eu_rules, key=RegionRule.sort_key)
    assert until.sentence(BEFORE) == (
        "Until 3 November 2025 LinkedIn does not use data of members in the EU and EEA by default."
    )
    assert since.sentence(BEFORE) == (
        "From 3 November 2025 LinkedIn will use data of members in the EU and EEA by default."
    )
    assert until.sentence(AFTER) == (
        "Until 3 November 2025 LinkedIn did not use data of members in the EU and EEA by default."
    )
    assert since.sentence(AFTER) == (
        "Since 3 November 2025 LinkedIn uses data of members in the EU and EEA by default."
    )


@pytest.mark.parametrize(
    ("day", "expected", "calm"),
    [
        (BEFORE, "Until 3 November 2025 LinkedIn does not use data of members in the EU", True),
        (CHANGE, "Since 3 November 2025 LinkedIn uses data of members in the EU", False),
        (AFTER, "Since 3 November 2025 LinkedIn uses data of members in the EU", False),
    ],
)
def test_the_guide_shows_what_applies_in_the_region_today(
    client, published, monkeypatch, day, expected, calm
):
    monkeypatch.setattr(clock, "today", lambda: day)
    page = client.get("/guides/linkedin/?region=eu").content.decode()
    assert f"<strong>{expected}" in page
    assert ("Nothing to do for now in EU / EEA" in page) is calm


def test_a_region_without_rules_says_so_calmly(client, published):
    page = client.get("/guides/linkedin/?region=ch").content.decode()
    assert "We know of no dated rule for Switzerland here" in page


def test_without_a_region_the_guide_lists_every_dated_rule(client, published, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: AFTER)
    page = client.get("/guides/linkedin/").content.decode()
    assert "What applies where" in page
    assert "Since 18 September 2024 LinkedIn uses data of members in the United States" in page
