"""The site in French and German in a real browser: first guess, switcher, htmx, axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import PAGES as ENGLISH_PAGES

# The public pages, as tests/browser/test_accessibility.py checks them in English.
PAGES = [path for path in ENGLISH_PAGES if path != "/guides/linkedin/"]


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_in_french_and_german_has_no_axe_violations(
    shipped_site, browser, language, scheme
):
    viewport = (
        {"width": 390, "height": 844} if scheme == "light" else {"width": 1280, "height": 900}
    )
    context = browser.new_context(viewport=viewport, color_scheme=scheme, locale=language)
    page = context.new_page()
    for path in PAGES:
        response = page.goto(f"{shipped_site}/{language}{path}")
        assert response.status < 500
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page, f"/{language}{path} ({scheme})")
    context.close()


def test_a_german_browser_lands_in_german_and_can_switch_to_english_and_french(
    shipped_site, browser
):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    page.goto(f"{shipped_site}/guides/linkedin/?region=ch")
    assert page.url == f"{shipped_site}/de/guides/linkedin/?region=ch"
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switcher = page.get_by_role("navigation", name="Sprache")
    expect(switcher.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "true")

    switcher.get_by_role("link", name="English").click()
    page.wait_for_url(f"{shipped_site}/guides/linkedin/?region=ch")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # no redirect back
    page.get_by_role("link", name="My checklist").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # and it sticks

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert "/fr/" in page.url
    context.close()


def test_ticking_in_french_keeps_the_page_and_the_swapped_parts_in_french(shipped_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{shipped_site}/fr/guides/linkedin/?region=eu")
    item = page.locator("#item-linkedin-ai-training")
    item.get_by_role("button", name="comme fait").click()
    expect(item.get_by_role("button", name="Annuler")).to_be_visible()
    expect(page.locator(".progress-text, progress").first).to_be_attached()
    assert "/fr/guides/linkedin/" in page.url
    assert "Done" not in item.inner_text()
    assert_accessible(page, "French guide after a tick")
    context.close()
