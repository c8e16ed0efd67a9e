"""What visitors see of changes: the changes page, the step-by-step diff, the feed, the JSON."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from optout.guides.content import create_draft, read_folder, version_content
from optout.guides.models import GuideVersion, Step
from tests.factories import FAQ, STEPS, write_guide

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def second(published, tmp_path):
    """Version 2: a reworded step, a new step, a removed step, a new FAQ entry."""
    steps = [
        ("ai-training", "Open Settings & Privacy", "Click **Me**, then *Settings and privacy*."),
        ("ai-training", "Switch the toggle Off", "Set it to Off."),
        ("ai-training", "Check it says Off", "Look again."),
        ("objection-form", "Send the objection form", "Fill it in and keep the confirmation."),
    ]
    faq = [*FAQ, ("Can I still use AI features?", "Yes.")]
    folder = write_guide(tmp_path / "v2", steps=steps, faq=faq)
    version = create_draft(read_folder(folder))
    version.publish("LinkedIn renamed a menu", ["ai-training"])
    return version


def test_the_changes_page_lists_versions_with_their_recheck_controls(client, second):
    page = client.get("/guides/linkedin/changes/").content.decode()
    assert page.index("Version 2") < page.index("Version 1")
    assert "LinkedIn renamed a menu" in page
    assert "check them again: Data for Generative AI Improvement" in page
    assert 'href="/guides/linkedin/changes/2/"' in page
    assert 'type="application/atom+xml"' in page


def test_the_diff_shows_added_removed_and_changed_steps_readably(client, second):
    page = client.get("/guides/linkedin/changes/2/").content.decode()
    assert "compared with version 1" in page
    assert 'Changed: <span lang="en">Open Settings &amp; Privacy' in page
    assert (
        "Click **Me**, then *Settings <del>&amp; Privacy*.</del> <ins>and privacy*.</ins>" in page
    )
    assert 'Added: <span lang="en">Check it says Off' in page
    assert 'Removed: <span lang="en">Find the research setting' in page
    assert 'Added: <span lang="en">Can I still use AI features?' in page
    assert "check again" in page


def test_the_first_version_has_nothing_to_compare(client, published):
    page = client.get("/guides/linkedin/changes/1/").content.decode()
    assert "This is the first version of the guide." in page


def test_unknown_versions_have_no_diff(client, published):
    assert client.get("/guides/linkedin/changes/9/").status_code == 404
    assert client.get("/guides/nope/changes/1/").status_code == 404


def test_the_feed_is_valid_atom_with_one_entry_per_version(client, second):
    response = client.get("/guides/linkedin/changes/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Version 2: LinkedIn renamed a menu",
        "Version 1: First version.",
    ]
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/guides/linkedin/changes/2/")
    assert (
        "check them again: Data for Generative AI Improvement"
        in entries[0].find(f"{ATOM}summary").text
    )


def test_the_guide_page_links_the_feed(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/guides/linkedin/changes/feed/"' in page


def test_each_published_version_is_available_as_json(client, second, published):
    current = client.get("/guides/linkedin.json").json()
    assert (current["version"], current["current"]) == (2, True)
    assert current["format"] == "optout-guide/1"
    assert current["recheck_controls"] == ["ai-training"]
    old = client.get("/guides/linkedin/v/1.json").json()
    assert (old["version"], old["current"]) == (1, False)
    content = version_content(published)
    assert [s["title"] for s in old["steps"]] == [s["title"] for s in content["steps"]]
    assert old["steps"][0]["body_html"].startswith("<p>Click <strong>Me</strong>")
    assert old["region_rules"][0]["starts"] is None
    json.dumps(old)
    assert client.get("/guides/linkedin/v/3.json").status_code == 404


def test_drafts_are_not_available_as_json(client, published, guide_folder):
    create_draft(read_folder(guide_folder))
    assert client.get("/guides/linkedin.json").json()["version"] == 1


def test_publishing_shows_the_new_version_at_once_everywhere(client, published, guide_folder):
    assert "Version 1, published" in client.get("/guides/linkedin/").content.decode()
    steps = [("ai-training", "Brand new step", "x"), *STEPS[1:]]
    create_draft(read_folder(write_guide(guide_folder, steps=steps))).publish("New")
    page = client.get("/guides/linkedin/").content.decode()
    assert "Version 2, published" in page and "Brand new step" in page
    assert client.get("/guides/linkedin.json").json()["version"] == 2
    assert (
        "Version 2" in client.get("/").content.decode()
        or "version 2" in client.get("/").content.decode()
    )


def _second_version(published, change) -> GuideVersion:
    """Version 2: version 1 with `change(draft)` applied through the models."""
    draft = published.copy_as_draft()
    change(draft)
    draft.publish("Version 2")
    return draft


def test_a_version_whose_only_change_is_the_summary_says_so(client, published):
    def change(draft):
        draft.summary = "Two settings and a form to switch off."
        draft.save()

    _second_version(published, change)
    page = client.get("/guides/linkedin/changes/2/").content.decode()
    assert "did not change" not in page
    assert "<h2>Title, summary and introduction</h2>" in page
    assert "<dt>Summary</dt>" in page
    assert "<del>Three</del> <ins>Two</ins> settings <ins>and a form</ins> to switch off." in page


def test_the_diff_shows_region_rule_dates_notes_and_sources(client, published):
    def change(draft):
        rule = draft.region_rules.get(region="eu", starts="2025-11-03")
        rule.starts = datetime.date(2025, 11, 4)
        rule.note = "From the 4th."
        rule.source_keys = ["seed-000", "seed-003"]
        rule.save()

    _second_version(published, change)
    page = client.get("/guides/linkedin/changes/2/").content.decode()
    assert "Region rule: EU, 2025-11-04 to open end: uses data by default" in page
    assert '<dt>Dates</dt><dd lang="en">EU, <del>2025-11-03</del> <ins>2025-11-04</ins>' in page
    assert '<dt>Note</dt><dd lang="en"><ins>From the 4th.</ins></dd>' in page
    assert "<ins>; How to opt out</ins>" in page or "<ins>How to opt out;</ins>" in page


def test_the_diff_shows_controls_sources_screenshots_and_moved_steps(client, published):
    def change(draft):
        section = draft.sections.get(control__key="research-use")
        section.short_name = "research toggle"
        section.save()
        source = draft.sources.get(key="seed-000")
        source.publisher = "LinkedIn"
        source.save()
        step = draft.steps.get(order=2)
        step.screenshot_alt = "The toggle, Off"
        step.save()
        entry = draft.faq_entries.get()
        entry.source_keys = ["seed-003"]
        entry.save()
        first, second = draft.steps.get(order=1), draft.steps.get(order=2)
        Step.objects.filter(pk=first.pk).update(order=99)
        Step.objects.filter(pk=second.pk).update(order=1)
        Step.objects.filter(pk=first.pk).update(order=2)

    _second_version(published, change)
    page = client.get("/guides/linkedin/changes/2/").content.decode()
    assert "<dt>Short name</dt>" in page and "<ins>toggle</ins>" in page
    assert "<h2>Sources</h2>" in page
    assert (
        '<dt>Publisher</dt><dd lang="en"><del>Unknown publisher</del> <ins>LinkedIn</ins>' in page
    )
    assert "<dt>Screenshot description</dt>" in page
    assert 'Moved: <span lang="en">' in page
    assert "<dt>Sources</dt>" in page  # the FAQ entry cites another source, by title
    assert "<del>How to opt out;</del>" in page


def test_the_diff_counts_and_describes_what_changed(published):
    from optout.guides import diff

    draft = published.copy_as_draft()
    step = draft.steps.get(order=2)
    step.body_md = "Set it to Off, then check."
    step.note = "Checked."
    step.save()
    found = diff.diff(diff.snapshot(published), diff.snapshot(draft), [])
    assert found["count"] == 1
    assert diff.describe(diff.snapshot(published), diff.snapshot(draft)) == (
        'changed step "Switch the toggle Off" (text, note)'
    )
    assert diff.diff(diff.snapshot(published), diff.snapshot(published), [])["count"] == 0


def test_a_changed_rule_note_shows_in_the_diff_with_its_rule(client, published):
    draft = published.copy_as_draft()
    rule = draft.region_rules.get(region="eu", starts=None)
    rule.note = "LinkedIn said so in September 2024."
    rule.save()
    draft.publish("Sourced the EU note")
    page = client.get("/guides/linkedin/changes/2/").content.decode()
    assert "Region rule: EU" in page
    assert "<dt>Note</dt>" in page
    assert "<del>Not</del> <ins>LinkedIn said so</ins> in" in page
