"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

CI installs Chromium (`apt-get install chromium`); a missing browser fails these tests, it never
skips them.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from optout.guides.content import create_draft, read_folder
from tests.conftest import ensure_roles
from tests.factories import publish_shipped_guide, write_guide

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/lib/chromium/chromium")

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, tmp_path):
    """The live site with a published LinkedIn guide (and the data migrations' roles)."""
    ensure_roles()
    create_draft(read_folder(write_guide(tmp_path / "linkedin"))).publish("First version.")
    return live_server.url


@pytest.fixture
def shipped_site(live_server, transactional_db):
    """The live site with the shipped, translated LinkedIn guide in two versions."""
    ensure_roles()
    publish_shipped_guide(fr="L'étape 1 a changé.", de="Schritt 1 hat sich geändert.")
    return live_server.url


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


_axe = Axe()


def assert_accessible(page, what: str) -> None:
    results = _axe.run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
