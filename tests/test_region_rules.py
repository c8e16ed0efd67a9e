import datetime

import pytest
from django.utils import timezone

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


# Every shape of rule the page can show, each with a start and an end a visitor can be on either
# side of: (region, starts, ends, uses the data).
EVERY_SHAPE = [
    ("eu", None, "2025-11-03", False),  # until
    ("eu", "2025-11-03", None, True),  # from
    ("uk", "2025-01-10", "2025-03-20", False),  # from ... until
    ("ca", None, None, True),  # always
]
UK = "From 10 January 2025 until 20 March 2025 LinkedIn {} data of members in the United Kingdom by default."
EU_UNTIL = "Until 3 November 2025 LinkedIn {} data of members in the EU and EEA by default."
EU_FROM = "{} 3 November 2025 LinkedIn {} data of members in the EU and EEA by default."
CA = "LinkedIn uses data of members in Canada by default."
DAY = datetime.timedelta(days=1)


@pytest.fixture
def every_shape(db, tmp_path):
    from optout.guides.content import create_draft, read_folder
    from tests.factories import GUIDE, write_guide

    rules = [
        {"control": "ai-training", "region": region, "starts": starts, "ends": ends,
         "uses_data_by_default": uses, "sources": ["seed-000"]}
        for region, starts, ends, uses in EVERY_SHAPE
    ]  # fmt: skip
    folder = write_guide(tmp_path / "linkedin", guide={**GUIDE, "region_rules": rules})
    version = create_draft(read_folder(folder))
    version.publish("Every shape of rule")
    return version


@pytest.mark.parametrize(
    ("region", "day", "now", "others", "calm"),
    [
        # The EU's change: the day before, and the day itself (the old rule ends that day).
        ("eu", CHANGE - DAY, EU_UNTIL.format("does not use"), [EU_FROM.format("From", "will use")], True),
        ("eu", CHANGE, EU_FROM.format("Since", "uses"), [EU_UNTIL.format("did not use")], False),
        # A rule with both ends: before it, its first day, its last day, and the day it ends.
        ("uk", datetime.date(2025, 1, 9), None, [UK.format("will not use")], False),
        ("uk", datetime.date(2025, 1, 10), UK.format("does not use"), [], True),
        ("uk", datetime.date(2025, 3, 19), UK.format("does not use"), [], True),
        ("uk", datetime.date(2025, 3, 20), None, [UK.format("did not use")], False),
        # A rule without dates applies on any day.
        ("ca", datetime.date(2000, 1, 1), CA, [], False),
        ("ca", datetime.date(2100, 1, 1), CA, [], False),
    ],
)  # fmt: skip
def test_each_rule_reads_right_on_both_sides_of_its_dates(
    client, every_shape, monkeypatch, region, day, now, others, calm
):
    monkeypatch.setattr(clock, "today", lambda: day)
    page = client.get(f"/guides/linkedin/?region={region}").content.decode()
    if now:
        assert f'<li class="now"><strong>{now}</strong>' in page
    else:
        assert 'class="now"' not in page
    for sentence in others:
        assert f"<li>{sentence}" in page
    assert ("Nothing to do for now in" in page) is calm
    # The checklist agrees: a control LinkedIn does not use here today is not needed.
    assert ("Not needed in your region" in page) is calm


def test_without_a_region_every_rule_reads_right_on_the_day_one_ends(
    client, every_shape, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2025, 3, 20))
    page = client.get("/guides/linkedin/").content.decode()
    assert UK.format("did not use") in page
    assert EU_UNTIL.format("does not use") in page and EU_FROM.format("From", "will use") in page
    monkeypatch.setattr(clock, "today", lambda: CHANGE)
    page = client.get("/guides/linkedin/").content.decode()
    assert EU_UNTIL.format("did not use") in page and EU_FROM.format("Since", "uses") in page


@pytest.mark.parametrize(("days", "stale"), [(0, False), (89, False), (90, False), (91, True)])
def test_the_guide_is_stale_only_after_exactly_the_configured_days(
    client, published, monkeypatch, settings, days, stale
):
    settings.GUIDE_STALE_AFTER_DAYS = 90
    checked = datetime.date(2025, 6, 1)
    published.guide.record_check(checked, None)
    monkeypatch.setattr(clock, "today", lambda: checked + datetime.timedelta(days=days))
    page = client.get("/guides/linkedin/").content.decode()
    assert ("These steps may be out of date" in page) is stale
    assert published.guide.is_stale(clock.today()) is stale


@pytest.mark.parametrize(("days", "stale"), [(90, False), (91, True)])
def test_a_guide_never_checked_counts_from_the_day_it_was_added(
    client, published, monkeypatch, settings, days, stale
):
    settings.GUIDE_STALE_AFTER_DAYS = 90
    added = timezone.localtime(published.guide.created_at).date()
    monkeypatch.setattr(clock, "today", lambda: added + datetime.timedelta(days=days))
    page = client.get("/guides/linkedin/").content.decode()
    assert ("nobody has checked them against LinkedIn for a while" in page) is stale
