"""The visitor's first minute on a phone: the links into LinkedIn come first, in every language,
and the header fits."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

PHONE = {"width": 390, "height": 844}
AI_SETTING = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
DATA_PRIVACY = "https://www.linkedin.com/mypreferences/d/categories/privacy"
OBJECTION_FORM = "https://www.linkedin.com/help/linkedin/ask/TS-DPRO"
PREFIX = {"en": "", "fr": "/fr", "de": "/de"}


def bottom(locator) -> float:
    """Where the element ends, in page pixels from the top of the page."""
    return locator.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_on_a_phone_the_ai_setting_is_on_the_first_screen_and_the_form_on_the_second(
    shipped_site, browser, language
):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    page.goto(f"{shipped_site}{PREFIX[language]}/guides/linkedin/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    ai = page.locator(f'a[href="{AI_SETTING}"]').first
    expect(ai).to_be_visible()
    expect(ai).to_have_class("button deep-link")
    assert bottom(ai) <= PHONE["height"], "the AI setting's link is below the first screen"
    expect(page.get_by_role("button", name=ai_button(language))).to_be_visible()

    research = page.locator(f'a[href="{DATA_PRIVACY}"]').first
    form = page.locator(f'a[href="{OBJECTION_FORM}"]').first
    for link in (research, form):
        expect(link).to_be_visible()
        expect(link).to_have_class("button deep-link")
    assert bottom(form) <= 2 * PHONE["height"], "the objection form's link is below two screens"
    # The first link into LinkedIn on the page is the AI setting's.
    first = page.locator('a[href^="https://www.linkedin.com/"]').first
    assert first.get_attribute("href") == AI_SETTING
    context.close()


def ai_button(language: str) -> str:
    return {
        "en": "Mark the AI-training setting as done",
        "fr": "Marquer le réglage d'entraînement de l'IA comme fait",
        "de": "Einstellung für das KI-Training als erledigt markieren",
    }[language]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_phone_header_is_one_row_plus_a_language_switcher_that_never_wraps(
    shipped_site, browser, language
):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    page = context.new_page()
    page.goto(f"{shipped_site}{PREFIX[language]}/checklist/")
    brand = page.locator(".site-header .brand")
    main_nav = page.locator(".site-header nav:not(.languages)")
    languages = page.locator(".site-header nav.languages")
    rows = [brand.bounding_box(), main_nav.bounding_box()]
    # Brand and navigation share one row...
    assert abs(rows[0]["y"] + rows[0]["height"] / 2 - rows[1]["y"] - rows[1]["height"] / 2) < 4
    for link in main_nav.get_by_role("link").all():
        if link.is_visible():
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, link.inner_text()
            assert box["height"] <= 50, f"{link.inner_text()} wraps"
    # ...and the language switcher is one more row, every language on it.
    switcher = languages.bounding_box()
    assert switcher["y"] >= rows[1]["y"] + rows[1]["height"] - 1
    tops = {round(link.bounding_box()["y"]) for link in languages.get_by_role("link").all()}
    assert len(tops) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out
    context.close()


def test_the_quick_way_and_everything_behind_details_pass_axe(shipped_site, browser):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{shipped_site}/de/guides/linkedin/")
        assert_accessible(page, f"German guide, everything closed ({scheme})")
        for summary in page.locator("details > summary").all():
            summary.click()
        expect(page.locator("#sources li").first).to_be_visible()
        assert_accessible(page, f"German guide, everything open ({scheme})")
        context.close()


def test_a_citation_opens_the_list_of_sources_it_points_into(site, page):
    page.goto(f"{site}/guides/linkedin/")
    source = page.locator("#source-seed-000")
    expect(source).to_be_hidden()
    page.locator('.step-extras a[href="#source-seed-000"]').first.click()
    expect(source).to_be_visible()
    expect(source).to_be_in_viewport()


@pytest.mark.parametrize(
    "language,label",
    [("en", "What this does"), ("fr", "Ce que cela change"), ("de", "Was das bewirkt")],
)
def test_what_the_setting_does_is_one_quiet_line_that_opens_with_a_click(
    shipped_site, browser, language, label
):
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    page.goto(f"{shipped_site}{PREFIX[language]}/guides/linkedin/")
    fold = page.locator("#step-3 .prose details")
    summary = fold.locator("summary")
    expect(summary).to_have_text(label)
    assert summary.bounding_box()["height"] <= 40, "one line"
    explanation = fold.locator("p").first
    expect(explanation).to_be_hidden()
    summary.click()
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("LinkedIn")
    context.close()


def test_the_objection_text_is_folded_and_the_quick_way_link_opens_it(shipped_site, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{shipped_site}/guides/linkedin/")
    letter = page.locator("#objection-text")
    expect(letter).to_be_hidden()
    # The advice to keep LinkedIn's confirmation stays in view.
    expect(page.locator(".objection > .hint")).to_contain_text("keep LinkedIn's confirmation")
    page.get_by_role("link", name="A text you can paste into the form").click()
    expect(letter).to_be_visible()
    expect(letter).to_be_in_viewport()
    expect(page.get_by_role("button", name="Copy the objection text")).to_be_visible()
    context.close()
