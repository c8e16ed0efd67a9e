"""axe-core on every public page, in light and dark mode, at phone and desktop widths."""

import itertools

import pytest
from playwright.sync_api import expect

from optout.guides.content import create_draft, read_folder
from tests.browser.conftest import assert_accessible
from tests.factories import STEPS, write_guide

PAGES = [
    "/",
    "/privacy/",
    "/guides/linkedin/",
    "/guides/linkedin/?region=eu",
    "/guides/linkedin/?region=ch",
    "/guides/linkedin/v/1/",
    "/guides/linkedin/changes/",
    "/guides/linkedin/changes/2/",
    "/checklist/",
    "/checklist/delete/",
    "/no-such-page/",
]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def two_versions(site, tmp_path):
    steps = [("ai-training", "Open the settings", "Click **Me**."), *STEPS[1:]]
    create_draft(read_folder(write_guide(tmp_path / "v2", steps=steps))).publish(
        "Renamed a step", ["ai-training"]
    )
    return site


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_every_public_page_has_no_axe_violations(two_versions, browser, scheme, size):
    context = browser.new_context(viewport=SIZES[size], color_scheme=scheme)
    page = context.new_page()
    for path in PAGES:
        response = page.goto(f"{two_versions}{path}")
        assert response.status < 500
        assert_accessible(page, f"{path} ({scheme}, {size})")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_checklist_in_each_state_has_no_axe_violations(site, browser, scheme, tmp_path):
    context = browser.new_context(viewport=SIZES["phone"], color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site}/guides/linkedin/?region=eu")
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    page.get_by_role("button", name="I sent it, waiting for an answer").click()
    expect(page.locator("#item-linkedin-objection-form .item-status")).to_contain_text(
        "waiting for LinkedIn's answer"
    )
    assert_accessible(page, "guide: done, waiting, not done")
    create_draft(read_folder(write_guide(tmp_path / "v2"))).publish("Moved", ["ai-training"])
    page.goto(f"{site}/guides/linkedin/?region=eu")
    expect(page.locator("#item-linkedin-ai-training")).to_contain_text("check it again")
    assert_accessible(page, "guide: re-check prompt")
    page.goto(f"{site}/checklist/")
    assert_accessible(page, "checklist: re-check, waiting, not done")
    context.close()


def test_focus_is_always_visible_and_the_skip_link_works(site, page):
    page.goto(f"{site}/guides/linkedin/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0  # it shows itself when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle + ' ' + "
            "getComputedStyle(document.activeElement).outlineWidth"
        )
        assert not outline.startswith("none"), outline


def test_motion_is_reduced_when_asked(site, browser):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{site}/guides/linkedin/")
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('.button')).transitionDuration"
    )
    assert duration in ("0s", "")
    context.close()


def test_the_page_has_one_h1_and_headings_in_order(site, page):
    page.goto(f"{site}/guides/linkedin/?region=eu")
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4')].map(h => Number(h.tagName[1]))"
    )
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("size", SIZES)
def test_the_guide_page_loads_without_layout_shift(site, browser, size):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.add_init_script(
        "window.__shift = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
        " { if (!e.hadRecentInput) window.__shift += e.value; } })"
        ".observe({type: 'layout-shift', buffered: true});"
    )
    page.goto(f"{site}/guides/linkedin/?region=eu", wait_until="networkidle")
    assert page.evaluate("PerformanceObserver.supportedEntryTypes.includes('layout-shift')")
    # Wait for states, not for time: fonts loaded, then two frames painted after them (layout
    # shifts are reported for the frame that shows them).
    page.evaluate(
        "document.fonts.ready.then(() => new Promise(done =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )
    assert page.evaluate("window.__shift") < 0.01
    context.close()
