import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

AI = "#item-linkedin-ai-training"
TOGGLE = "#toggle-item-linkedin-ai-training"


def test_ticking_with_javascript_updates_in_place_announces_and_keeps_focus(site, page):
    page.goto(f"{site}/guides/linkedin/?region=us")
    assert page.context.cookies() == []
    url = page.url
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    expect(page.locator(AI)).to_contain_text("Done on")
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    expect(page.locator("#announcer")).to_have_text(
        "Data for Generative AI Improvement: done. 1 of 3 done."
    )
    assert page.url == url  # no navigation: swapped in place
    expect(page.locator(TOGGLE)).to_be_focused()
    assert [c["name"] for c in page.context.cookies()] == ["__Host-checklist"]

    page.locator(TOGGLE).click()
    expect(page.locator(AI)).to_contain_text("Not done yet")
    expect(page.locator("#progress-linkedin")).to_contain_text("0 of 3 done")
    expect(page.locator(TOGGLE)).to_be_focused()


def test_ticking_without_javascript_returns_to_the_item_that_was_pressed(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{site}/guides/linkedin/?region=eu")
    page.get_by_role("button", name="Mark the research setting as done").click()
    page.wait_for_url(re.compile(r"/guides/linkedin/\?region=eu#item-linkedin-research-use$"))
    item = page.locator("#item-linkedin-research-use")
    expect(item).to_contain_text("Done on")
    expect(item).to_be_in_viewport()
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    page.get_by_role("button", name="Undo: the research setting is not done").click()
    page.wait_for_url(re.compile(r"#item-linkedin-research-use$"))
    expect(page.locator("#toggle-item-linkedin-research-use")).to_be_in_viewport()
    expect(item).not_to_contain_text("Done on")

    page.goto(f"{site}/checklist/")
    page.get_by_role("button", name="Mark the objection form as done").click()
    page.wait_for_url(re.compile(r"/checklist/#item-linkedin-objection-form$"))
    expect(page.locator("#item-linkedin-objection-form")).to_be_in_viewport()
    context.close()


def test_the_checklist_works_with_the_keyboard_only_and_survives_a_reload(site, page):
    page.goto(f"{site}/guides/linkedin/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.locator(TOGGLE).focus()
    page.keyboard.press("Enter")
    expect(page.locator(AI)).to_contain_text("Done on")
    expect(page.locator(TOGGLE)).to_be_focused()
    page.keyboard.press("Tab")  # onward to the next control's content, not lost at the top
    assert page.evaluate("document.activeElement.closest('#control-ai-training') === null")
    page.reload()
    expect(page.locator(AI)).to_contain_text("Done on")
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")


def test_the_objection_form_can_be_sent_then_answered(site, page):
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="I sent it, waiting for an answer").click()
    item = page.locator("#item-linkedin-objection-form")
    expect(item).to_contain_text("waiting for LinkedIn's answer")
    page.get_by_role("button", name="LinkedIn answered: mark the objection form as done").click()
    expect(item).to_contain_text("Done on")


def test_a_resume_code_continues_the_checklist_in_a_second_browser(site, page, browser):
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="Mark the research setting as done").click()
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    page.goto(f"{site}/checklist/")
    page.get_by_role("button", name="Get a resume code").click()
    code = page.locator("#resume-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)

    other = browser.new_context()
    phone = other.new_page()
    phone.goto(f"{site}/checklist/")
    phone.get_by_label("Have a code from another device? Enter it here").fill(code.lower())
    phone.get_by_role("button", name="Continue my checklist").click()
    expect(phone.get_by_text("Your checklist is now on this device too")).to_be_visible()
    expect(phone.locator("#item-linkedin-research-use")).to_contain_text("Done on")
    other.close()


def test_guide_and_checklist_pages_are_accessible_in_every_state(site, page):
    page.goto(f"{site}/guides/linkedin/")
    assert_accessible(page, "guide, nothing ticked")
    page.goto(f"{site}/guides/linkedin/?region=eu")
    assert_accessible(page, "guide with a region")
    page.goto(f"{site}/checklist/")
    assert_accessible(page, "empty checklist")
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    page.get_by_role("button", name="I sent it, waiting for an answer").click()
    expect(page.locator("#item-linkedin-objection-form .item-status")).to_contain_text(
        "waiting for LinkedIn's answer"
    )
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    assert_accessible(page, "guide, done and waiting")
    page.goto(f"{site}/checklist/")
    assert_accessible(page, "checklist, done and waiting")
    page.get_by_role("button", name="Get a resume code").click()
    expect(page.locator("#resume-code")).to_be_visible()
    assert_accessible(page, "checklist with a resume code")
    page.goto(f"{site}/checklist/delete/")
    assert_accessible(page, "delete confirmation")
    page.emulate_media(color_scheme="dark")
    page.goto(f"{site}/guides/linkedin/?region=eu")
    assert_accessible(page, "guide, dark mode")
    page.goto(f"{site}/checklist/")
    assert_accessible(page, "checklist, dark mode")


def test_two_quick_first_ticks_end_up_in_one_checklist(site, page):
    # The first tick creates the checklist and its cookie; htmx queues the second until the
    # first has answered, so the second does not create a second checklist.
    page.goto(f"{site}/guides/linkedin/")
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    page.get_by_role("button", name="Mark the research setting as done").click()
    expect(page.locator("#progress-linkedin")).to_contain_text("2 of 3 done")
    page.reload()
    expect(page.locator("#progress-linkedin")).to_contain_text("2 of 3 done")
    assert len(page.context.cookies()) == 1


def test_the_first_tick_on_the_checklist_page_updates_the_rest_of_the_page(site, page):
    page.goto(f"{site}/checklist/")
    expect(page.locator("#checklist-lede")).to_contain_text("You have not ticked anything")
    expect(page.get_by_role("button", name="Get a resume code")).to_have_count(0)
    page.get_by_role("button", name="Mark the research setting as done").click()
    expect(page.locator("#item-linkedin-research-use")).to_contain_text("Done on")
    expect(page.locator("#checklist-lede")).to_contain_text("What you have switched off")
    expect(page.get_by_role("link", name="Download my data (JSON)")).to_be_visible()
    page.get_by_role("button", name="Get a resume code").click()
    code = page.locator("#resume-code")
    expect(code).to_be_visible()
    # A later tick leaves the code on show.
    page.get_by_role("button", name="Mark the objection form as done").click()
    expect(page.locator("#progress-linkedin")).to_contain_text("2 of 3 done")
    expect(code).to_be_visible()
    # The Copy button is a button like the others, not in the code's typeface.
    copy = page.get_by_role("button", name="Copy the code")
    other = page.get_by_role("button", name="Replace my resume code (the old one stops working)")
    font = "e => getComputedStyle(e).fontFamily"
    assert copy.evaluate(font) == other.evaluate(font) != code.evaluate(font)


def test_the_page_with_a_checklist_looks_the_same_updated_in_place_reloaded_or_without_js(
    site, page, browser
):
    """The in-place update (htmx), the reloaded page (the shared page with the visitor's parts
    spliced in) and the page without JavaScript show the same item and progress."""
    page.goto(f"{site}/guides/linkedin/?region=eu")
    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    expect(page.locator(AI)).to_contain_text("Done on")
    page.get_by_role("button", name="I sent it, waiting for an answer").click()
    expect(page.locator("#item-linkedin-objection-form")).to_contain_text("Sent on")
    parts = ["#progress-linkedin", AI, "#item-linkedin-objection-form"]
    in_place = [page.locator(part).inner_text() for part in parts]
    page.reload()
    assert [page.locator(part).inner_text() for part in parts] == in_place
    no_js = browser.new_context(java_script_enabled=False)
    no_js.add_cookies(page.context.cookies())
    plain = no_js.new_page()
    plain.goto(f"{site}/guides/linkedin/?region=eu")
    assert [plain.locator(part).inner_text() for part in parts] == in_place
    no_js.close()


def htmx_requests(page) -> list[str]:
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def test_a_reader_never_downloads_htmx_and_a_first_tick_fetches_it(site, page):
    requested = htmx_requests(page)
    page.goto(f"{site}/guides/linkedin/")
    page.wait_for_load_state("load")
    page.locator("#faq summary").first.click()
    page.mouse.wheel(0, 3000)
    assert [url for url in requested if "htmx" in url] == []

    page.get_by_role("button", name="Mark the AI-training setting as done").click()
    expect(page.locator(AI)).to_contain_text("Done on")
    assert len([url for url in requested if "/htmx-2.min." in url]) == 1


def test_a_tick_sent_before_htmx_arrives_waits_for_it_and_goes_in_place(site, page):
    held = []
    page.route("**/htmx-2.min.*", lambda route: held.append(route))
    page.goto(f"{site}/guides/linkedin/")
    url = page.url
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    with page.expect_request("**/htmx-2.min.*"):
        page.get_by_role("button", name="Mark the research setting as done").click()
    assert posts == [] and held, "the form waits for htmx"
    held[0].continue_()
    expect(page.locator("#item-linkedin-research-use")).to_contain_text("Done on")
    expect(page.locator("#progress-linkedin")).to_contain_text("1 of 3 done")
    assert page.url == url  # swapped in place, not a page load
    assert len(posts) == 1
    expect(page.locator("#toggle-item-linkedin-research-use")).to_have_text(
        "Undo: the research setting is not done"
    )


def test_when_htmx_cannot_be_fetched_a_tick_is_a_plain_form_post(site, page):
    page.route("**/htmx-2.min.*", lambda route: route.abort())
    page.goto(f"{site}/guides/linkedin/?region=eu")
    page.get_by_role("button", name="Mark the research setting as done").click()
    page.wait_for_url(re.compile(r"/guides/linkedin/\?region=eu#item-linkedin-research-use$"))
    expect(page.locator("#item-linkedin-research-use")).to_contain_text("Done on")
