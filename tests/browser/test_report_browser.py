"""A visitor reports that a step does not match; an editor sees it at the top of the admin."""

from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_a_visitor_reports_a_mismatch_and_an_editor_sees_it(site, browser, page):
    page.goto(f"{site}/guides/linkedin/?region=ch")
    step = page.locator("#step-2")
    step.get_by_text("Screen looks different?").click()
    step.get_by_label("Android app").check()
    step.get_by_label("What do you see instead? (optional)").fill(
        "There is no toggle, only a checkbox"
    )
    assert_accessible(page, "guide with an open report form")
    step.get_by_role("button", name='Send the report for step "Switch the toggle Off"').click()
    expect(step.get_by_role("status")).to_contain_text(
        'Your report about "Switch the toggle Off" reached the editors'
    )
    assert page.context.cookies() == []

    erin = User.objects.create_user("erin", password="a-long-test-password", is_staff=True)
    erin.groups.add(Group.objects.get(name="Editors"))
    editor_context = browser.new_context(viewport={"width": 1280, "height": 900})
    editor = editor_context.new_page()
    editor.goto(f"{site}/admin/")
    editor.get_by_label("Username").fill("erin")
    editor.get_by_label("Password").fill("a-long-test-password")
    editor.get_by_role("button", name="Log in").click()
    queue = editor.locator("#attention")
    expect(queue).to_contain_text('Step 2, "Switch the toggle Off": 1 mismatch report')
    expect(queue).to_contain_text('Newest: "There is no toggle, only a checkbox" (Android)')
    queue.get_by_role("button", name="Start a draft that fixes it").first.click()
    expect(editor.get_by_text("Started a new draft from version 1.")).to_be_visible()
    editor_context.close()


def test_reporting_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/guides/linkedin/")
    step = page.locator("#step-1")
    step.get_by_text("Screen looks different?").click()
    step.get_by_role("button", name='Send the report for step "Open Settings & Privacy"').click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    page.get_by_role("link", name="Back to the guide").click()
    expect(page).to_have_url(f"{site}/guides/linkedin/#step-1")
    context.close()
