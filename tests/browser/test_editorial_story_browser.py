"""The whole story, in Chromium with the admin's own forms (which send CRLF line endings): two
editors, one sentence added to one step, the publisher sees exactly that on the publish page and
publishes, a visitor who ticked the control is asked to check it again, and a French visitor
sees one outdated translation."""

import io
import json
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from optout.guides.shipped import install_or_update
from tests.browser.conftest import assert_accessible
from tests.conftest import ensure_roles

SENTENCE = "If you cannot find the toggle, update the LinkedIn app first."
PASSWORD = "a-long-test-password"


@pytest.fixture
def shipped_site(live_server, transactional_db):
    """The live site with the shipped, translated LinkedIn guide, and two editors."""
    ensure_roles()
    install_or_update(settings.BASE_DIR / "content" / "linkedin")
    for email, role in (("erin@example.org", []), ("paul@example.org", ["--publisher"])):
        call_command("addeditor", email, *role, "--noinput", stdout=io.StringIO())
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save()
    return live_server.url


def sign_in(browser, site: str, email: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible()
    return context, page


def outdated_notes(page):
    return page.locator(".translation-note a[hreflang=en]")


def json_of(site: str, number: int) -> dict:
    with urllib.request.urlopen(f"{site}/guides/linkedin/v/{number}.json") as response:
        return json.load(response)


def test_one_sentence_from_an_editor_to_visitors_through_the_admin(shipped_site, browser):
    site = shipped_site
    # A visitor ticks the AI-training setting on version 1; a French reader sees no outdated note.
    visitor = browser.new_context()
    reader = visitor.new_page()
    reader.goto(f"{site}/guides/linkedin/")
    reader.get_by_role("button", name="Mark the AI-training setting as done").click()
    expect(reader.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    french = browser.new_context(locale="fr-FR").new_page()
    french.goto(f"{site}/fr/guides/linkedin/")
    expect(french.locator("html")).to_have_attribute("lang", "fr")
    expect(outdated_notes(french)).to_have_count(0)

    # Erin, an Editor, starts a draft and adds one sentence to the step that switches it Off.
    erin_context, erin = sign_in(browser, site, "erin@example.org")
    erin.locator("#guides-guide").get_by_role("link", name="Guides").click()
    erin.get_by_role("link", name="linkedin").click()
    erin.get_by_role("button", name="Start a new draft").click()
    expect(erin.get_by_text("Started a new draft from version 1.")).to_be_visible()
    step = erin.locator(".inline-related").filter(
        has=erin.locator("input[value='Switch the toggle to Off']")
    )
    body = step.locator("textarea[name$='-body_md']")
    text = body.input_value()
    assert "\n\n" in text  # several paragraphs: the browser sends them back with CRLF
    body.fill(text.replace("before you leave the page.", f"before you leave the page. {SENTENCE}"))
    erin.get_by_role("button", name="Save and continue editing").click()
    expect(erin.locator(".messagelist")).to_contain_text("changed successfully")
    expect(erin.get_by_role("link", name="Publish…")).to_have_count(0)
    draft_url = erin.url
    erin.goto(draft_url.replace("/change/", "/publish/"))
    expect(erin.get_by_text("Publishing a draft is for Publishers only.")).to_be_visible()
    erin_context.close()

    # Paul, a Publisher, finds the open draft on the start page and sees exactly the change.
    paul_context, paul = sign_in(browser, site, "paul@example.org")
    paul.locator("#attention").get_by_role("link", name="Open the draft").click()
    paul.get_by_role("link", name="Publish…").click()
    changes = paul.locator("#what-changes-section li")
    expect(changes).to_have_count(1)
    expect(changes).to_contain_text("Changed: Switch the toggle to Off")
    expect(changes.locator("ins")).to_have_text(SENTENCE)
    expect(changes.locator("del")).to_have_count(0)
    assert_accessible(paul, "publish page")
    paul.get_by_label("What changed:", exact=True).fill("Step 3 says what to do without a toggle.")
    paul.get_by_label("Data for Generative AI Improvement").check()
    paul.get_by_role("button", name="Publish").click()
    expect(paul.locator(".messagelist")).to_contain_text("Published linkedin version 2.")
    paul_context.close()

    # The JSON of version 2 differs from version 1 in exactly that step.
    old, new = json_of(site, 1), json_of(site, 2)
    for part in ("steps", "faq", "controls", "region_rules", "sources"):
        differing = [i for i, (a, b) in enumerate(zip(old[part], new[part], strict=True)) if a != b]
        assert differing == ([2] if part == "steps" else []), part
    assert [old[k] for k in ("title", "summary", "intro")] == [
        new[k] for k in ("title", "summary", "intro")
    ]

    # The visitor is asked to check the setting again; the change page lists just that step.
    reader.goto(f"{site}/guides/linkedin/")
    expect(reader.get_by_text(SENTENCE)).to_be_visible()
    expect(reader.locator("#item-linkedin-ai-training")).to_contain_text("check it again")
    expect(reader.locator("#progress-linkedin")).to_contain_text("0 of 3 done")
    reader.goto(f"{site}/guides/linkedin/changes/2/")
    expect(reader.locator("li.change-changed, li.change-added, li.change-removed")).to_have_count(1)
    expect(reader.get_by_role("heading", name="Changed: Switch the toggle to Off")).to_be_visible()
    visitor.close()

    # The French reader sees one outdated translation: that step's.
    french.goto(f"{site}/fr/guides/linkedin/")
    expect(outdated_notes(french)).to_have_count(1)
    expect(outdated_notes(french)).to_have_attribute("href", "/guides/linkedin/#step-3")
    french.context.close()
