import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from optout.guides.content import create_draft, read_folder
from tests.factories import write_guide


def test_the_guide_page_shows_the_published_version(client, published):
    response = client.get("/guides/linkedin/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Stop LinkedIn from training AI on your data</h1>" in page
    assert "Version 1, published" in page
    assert 'href="/guides/linkedin/changes/"' in page
    # Steps grouped by control, in order, with their deep link and sources.
    assert page.index("Open Settings &amp; Privacy") < page.index("Switch the toggle Off")
    assert page.index("Switch the toggle Off") < page.index("Find the research setting")
    assert (
        '<a class="button deep-link" href="https://www.linkedin.com/mypreferences/d/settings/'
        'data-for-ai-improvement" rel="noopener noreferrer">Open LinkedIn&#x27;s AI-training'
    ) in page
    assert 'href="#source-seed-000"' in page
    assert 'id="source-seed-003"' in page
    assert "Does opting out undo past training?" in page
    assert "<strong>on</strong>" in page  # the intro's Markdown, rendered


def test_the_quick_way_comes_first_with_each_controls_deep_link_and_done_button(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    quick = page[page.index('<section class="quick"') : page.index("</section>")]
    assert page.index('<section class="quick"') < page.index('class="prose"')  # before any text
    links = [
        "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement",
        "https://www.linkedin.com/mypreferences/d/categories/privacy",
        "https://www.linkedin.com/help/linkedin/ask/TS-DPRO",
    ]
    buttons = [
        "Mark the AI-training setting as done",
        "Mark the research setting as done",
        "Mark the objection form as done",
    ]
    positions = []
    for link, button in zip(links, buttons, strict=True):
        assert f'class="button deep-link" href="{link}"' in quick
        assert quick.index(link) < quick.index(button)
        positions.append(quick.index(button))
    assert positions == sorted(positions)
    assert page.count(">Mark the AI-training setting as done<") == 1  # one button per control
    assert 'href="#control-ai-training">Step by step</a>' in quick


def test_secondary_material_waits_one_click_away(client, published, guide_folder):
    page = client.get("/guides/linkedin/").content.decode()
    # The introduction, the dates for every region and the sources are closed <details>.
    for summary in (
        "Why this matters, and what it changes",
        "The dates for every region",
        "Show all 2 sources",
    ):
        assert re.search(rf"<details[^>]*>\s*<summary>{re.escape(summary)}</summary>", page)
    assert "<details open" not in page
    # Under each step, the mismatch report is a closed details on the step's quiet line.
    step = page[page.index('id="step-1"') : page.index('id="step-2"')]
    extras = step[step.index('class="step-extras"') :]
    assert 'href="#source-seed-000"' in extras and '<details class="report"' in extras


def test_older_versions_stay_readable_and_say_they_are_old(client, published, guide_folder):
    create_draft(read_folder(guide_folder)).publish("Second")
    old = client.get("/guides/linkedin/v/1/").content.decode()
    assert "This is an older version of the guide" in old
    current = client.get("/guides/linkedin/v/2/").content.decode()
    assert "older version" not in current


@pytest.mark.parametrize(
    "url",
    [
        "/guides/nope/",
        "/guides/linkedin/v/2/",
        "/guides/linkedin/v/0/",
        "/guides/linkedin/?region=mars",
        "/guides/linkedin/?region=",  # an empty choice is no choice: 200, tested below
        "/guides/nope/changes/",
    ],
)
def test_unknown_guides_versions_and_regions_are_a_proper_404(client, published, url):
    response = client.get(url)
    if url.endswith("region="):
        assert response.status_code == 200
        return
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_drafts_are_invisible_to_the_public(client, draft):
    assert client.get("/guides/linkedin/").status_code == 404
    assert "linkedin" not in client.get("/").content.decode().lower().split("<main")[1]


def test_the_changes_page_lists_published_versions_newest_first(client, published, guide_folder):
    create_draft(read_folder(guide_folder)).publish("Fixed the menu names")
    page = client.get("/guides/linkedin/changes/").content.decode()
    assert page.index("Version 2") < page.index("Version 1")
    assert "Fixed the menu names" in page


def queries_for_guide_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/guides/linkedin/?region=eu").status_code == 200
    return len(queries)


def test_the_guide_page_makes_a_fixed_number_of_queries_however_long_the_guide(
    client, db, tmp_path, django_assert_num_queries
):
    create_draft(read_folder(write_guide(tmp_path / "short"))).publish("short")
    short = queries_for_guide_page(client)
    create_draft(read_folder(write_guide(tmp_path / "long", extra_steps=40))).publish("long")
    with django_assert_num_queries(short):
        client.get("/guides/linkedin/?region=eu")
    # The current version (1), its sections, steps, FAQ, rules and sources (5), step checks and
    # reports (2), and, for the cache key, the current version number (1).
    assert short <= 9


def test_reading_sets_no_cookie(client, published):
    for url in ("/", "/guides/linkedin/", "/guides/linkedin/?region=eu", "/privacy/", "/nope/"):
        assert not client.get(url).cookies, url
