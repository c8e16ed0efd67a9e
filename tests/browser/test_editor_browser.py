"""An editor fixes a step and publishes; a visitor who ticked it earlier is asked to re-check."""

import re

from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_an_editor_publishes_a_fix_and_a_visitor_sees_it_and_rechecks(site, browser):
    # A visitor ticks the AI-training setting on version 1.
    visitor = browser.new_context()
    page = visitor.new_page()
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")

    # An editor who may publish logs in and starts a draft.
    paul = User.objects.create_user("paul", password="a-long-test-password", is_staff=True)
    paul.groups.add(Group.objects.get(name="Publishers"))
    editor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    editor = editor_context.new_page()
    csp_errors = []
    editor.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    editor.goto(f"{site}/admin/")
    editor.get_by_label("Username").fill("paul")
    editor.get_by_label("Password").fill("a-long-test-password")
    editor.get_by_role("button", name="Log in").click()
    editor.locator("#guides-guide").get_by_role("link", name="Guides").click()
    editor.get_by_role("link", name="linkedin").click()
    editor.get_by_role("button", name="Start a new draft").click()
    expect(editor.get_by_text("Started a new draft from version 1.")).to_be_visible()

    # Change a step's text, preview the Markdown, save.
    body = editor.locator("textarea[name$='-body_md']").filter(has_text="Set it to Off.")
    body.fill("In the new menu, set **Use my data** to Off.")
    body.locator("xpath=following-sibling::div[1]").get_by_role("button", name="Preview").click()
    expect(editor.locator(".optout-preview strong").first).to_have_text("Use my data")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("changed successfully")

    # Preview the whole draft as visitors will see it.
    with editor_context.expect_page() as preview_info:
        editor.get_by_role("link", name="Preview this draft").click()
    preview = preview_info.value
    expect(preview.get_by_text("In the new menu, set")).to_be_visible()
    expect(preview.get_by_text("Draft preview")).to_be_visible()
    preview.close()

    # Publish with a summary, marking the AI-training control for re-checking.
    editor.get_by_role("link", name="Publish…").click()
    editor.get_by_label("What changed:", exact=True).fill("LinkedIn moved the AI-training toggle.")
    editor.get_by_label("Data for Generative AI Improvement").check()
    editor.get_by_role("button", name="Publish").click()
    expect(editor.locator(".messagelist")).to_contain_text("Published linkedin version 2.")
    assert not csp_errors, csp_errors
    editor_context.close()

    # The visitor sees the new text, the changes page and the re-check prompt.
    page.goto(f"{site}/guides/linkedin/")
    expect(page.get_by_text("In the new menu, set")).to_be_visible()
    expect(page.locator("#item-linkedin-ai-training")).to_contain_text(
        re.compile(r"We updated the steps for the AI-training setting on \d+ \w+ \d{4}\.")
    )
    expect(page.locator("#progress-linkedin")).to_contain_text("0 of 3 done")
    page.get_by_role("link", name="What changed", exact=True).click()
    expect(page.get_by_text("LinkedIn moved the AI-training toggle.")).to_be_visible()
    assert_accessible(page, "changes page")
    page.get_by_role("link", name="Version 2", exact=True).click()
    expect(page.get_by_role("heading", name="Changed: Switch the toggle Off")).to_be_visible()
    assert_accessible(page, "diff page")
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="I checked the AI-training setting again").click()
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    expect(page.locator("#item-linkedin-ai-training")).not_to_contain_text("check it again")
    visitor.close()
