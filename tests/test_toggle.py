import datetime

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from optout import clock
from optout.checklists.models import Checklist, Item
from optout.guides.content import create_draft, read_folder
from tests.helpers import SAME_SITE

TOGGLE = "/checklist/linkedin/ai-training/"


def tick(client, url=TOGGLE, state="done", **extra):
    return client.post(url, {"state": state, **extra.pop("data", {})}, **SAME_SITE, **extra)


def test_reading_sets_no_cookie_and_the_first_tick_creates_the_checklist(client, published):
    for url in (
        "/guides/linkedin/",
        "/checklist/",
        "/checklist/delete/",
        "/checklist/reminder.ics?months=6",
    ):
        assert not client.get(url).cookies, url
    assert not Checklist.objects.exists()

    response = tick(client, data={"region": "eu"})
    assert response.status_code == 302
    assert response["Location"] == "/guides/linkedin/?region=eu#item-linkedin-ai-training"
    cookie = response.cookies[settings.CHECKLIST_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    item = Item.objects.get()
    assert (item.control.key, item.state, item.version_number) == ("ai-training", "done", 1)


def test_unticking_without_a_checklist_creates_nothing(client, published):
    response = tick(client, state="todo")
    assert response.status_code == 302
    assert not response.cookies
    assert not Checklist.objects.exists()


def test_the_guide_page_shows_the_tick_and_the_progress(client, published):
    tick(client)
    page = client.get("/guides/linkedin/").content.decode()
    assert "1 of 3 done" in page
    assert '<progress max="3" value="1"' in page
    assert "<strong>Done</strong> on" in page
    assert "Undo: the AI-training setting is not done" in page
    tick(client, state="todo")
    assert "0 of 3 done" in client.get("/guides/linkedin/").content.decode()
    assert not Item.objects.exists()


def test_ticking_twice_is_one_tick_and_two_items_do_not_clash(client, published):
    tick(client)
    tick(client)
    tick(client, url="/checklist/linkedin/research-use/")
    assert Item.objects.count() == 2
    assert Checklist.objects.count() == 1


def test_the_objection_form_can_wait_for_an_answer_but_settings_cannot(client, published):
    response = tick(client, url="/checklist/linkedin/objection-form/", state="waiting")
    assert response.status_code == 302
    assert "waiting for LinkedIn's answer" in client.get("/guides/linkedin/").content.decode()
    response = tick(client, state="waiting")
    assert response.status_code == 400
    assert Item.objects.get().control.key == "objection-form"


def test_htmx_swaps_only_the_item_the_progress_and_the_announcement(client, published):
    response = tick(client, HTTP_HX_REQUEST="true", data={"region": "us"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="item-linkedin-ai-training"' in html
    assert 'id="toggle-item-linkedin-ai-training"' in html  # the same id keeps keyboard focus
    assert '<div class="progress" id="progress-linkedin" data-hx-swap-oob="true">' in html
    assert '<div data-hx-swap-oob="innerHTML:#announcer">' in html
    assert "Data for Generative AI Improvement: done. 1 of 3 done." in html
    assert 'name="region" value="us"' in html
    assert response.cookies[settings.CHECKLIST_COOKIE_NAME]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_it_refuses_cross_site_posts(client, published, headers):
    response = client.post(TOGGLE, {"state": "done"}, **headers)
    assert response.status_code == 403
    assert "can only be sent from this site" in response.content.decode()
    assert not Checklist.objects.exists()
    assert not response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}, {}],
)
def test_it_accepts_same_origin_posts_without_a_csrf_cookie(published, headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post(TOGGLE, {"state": "done"}, **headers)
    assert response.status_code == 302
    assert response.cookies[settings.CHECKLIST_COOKIE_NAME]
    item = Item.objects.get()
    assert (item.control.key, item.state) == ("ai-training", "done")
    assert "1 of 3 done" in client.get("/checklist/").content.decode()


@pytest.mark.parametrize(
    ("url", "data", "status"),
    [
        ("/checklist/linkedin/dreams/", {"state": "done"}, 404),
        ("/checklist/nope/ai-training/", {"state": "done"}, 404),
        (TOGGLE, {"state": "maybe"}, 400),
        (TOGGLE, {}, 400),
        (TOGGLE, {"state": "done", "region": "mars"}, 400),
        (TOGGLE, {"state": "done", "next": "https://evil.example"}, 400),
    ],
)
def test_bad_ticks_get_a_clear_error_and_change_nothing(client, published, url, data, status):
    tick(client, url="/checklist/linkedin/research-use/")
    response = client.post(url, data, **SAME_SITE)
    assert response.status_code == status
    assert Item.objects.get().control.key == "research-use"


def test_a_control_not_in_the_current_version_is_refused(client, published, tmp_path):
    from tests.factories import GUIDE, STEPS, write_guide

    controls = [c for c in GUIDE["controls"] if c["key"] != "research-use"]
    folder = write_guide(
        tmp_path / "v2",
        guide={**GUIDE, "controls": controls},
        steps=[s for s in STEPS if s[0] != "research-use"],
    )
    create_draft(read_folder(folder)).publish("Dropped the research setting")
    response = tick(client, url="/checklist/linkedin/research-use/")
    assert response.status_code == 404
    assert "not in the guide" in response.content.decode()
    assert not Checklist.objects.exists()


def test_wrong_methods_and_huge_or_binary_bodies_are_4xx(client, published):
    assert client.get(TOGGLE).status_code == 405
    assert client.put(TOGGLE, "state=done", **SAME_SITE).status_code == 405
    huge = client.post(
        TOGGLE, b"state=done&x=" + b"a" * 400_000,
        content_type="application/x-www-form-urlencoded", **SAME_SITE,
    )  # fmt: skip
    assert huge.status_code == 400
    binary = client.post(
        TOGGLE, b"\xff\xfe\x00state=\xc3\x28", content_type="application/x-www-form-urlencoded",
        **SAME_SITE,
    )  # fmt: skip
    assert binary.status_code == 400
    assert not Checklist.objects.exists()


def test_rewording_a_step_keeps_the_tick(client, published, tmp_path):
    from tests.factories import STEPS, write_guide

    tick(client)
    steps = [("ai-training", "A new title", "New words."), *STEPS[1:]]
    create_draft(read_folder(write_guide(tmp_path / "v2", steps=steps))).publish("Reworded")
    page = client.get("/guides/linkedin/").content.decode()
    assert "A new title" in page
    assert "1 of 3 done" in page
    assert "check it again" not in page


def test_a_newer_version_marking_the_control_changed_asks_for_a_recheck(
    client, published, guide_folder
):
    tick(client)
    create_draft(read_folder(guide_folder)).publish("LinkedIn moved it", ["ai-training"])
    page = client.get("/guides/linkedin/").content.decode()
    today = datetime.date.today().strftime("%-d %B %Y")
    # What changed is our steps, with a link to that version's changes; never "LinkedIn changed".
    assert f"We updated the steps for the AI-training setting on {today}." in page
    assert 'href="/guides/linkedin/changes/2/">See what changed</a>' in page
    assert "LinkedIn changed" not in page
    assert "0 of 3 done" in page
    assert "I checked the AI-training setting again" in page
    tick(client)  # confirms it against version 2
    page = client.get("/guides/linkedin/").content.decode()
    assert "check it again" not in page
    assert Item.objects.get().version_number == 2


def test_not_needed_in_a_region_where_linkedin_does_not_use_the_data(
    client, published, monkeypatch
):
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2025, 6, 1))
    page = client.get("/guides/linkedin/?region=eu").content.decode()
    assert "<strong>Not needed in your region</strong>" in page
    assert "1 of 3 done" in page
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2025, 11, 3))
    page = client.get("/guides/linkedin/?region=eu").content.decode()
    assert "Not needed in your region" not in page
    assert "0 of 3 done" in page


def test_the_objection_step_offers_a_text_to_copy_and_says_keep_the_confirmation(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    assert 'id="objection-text"' in page
    assert "I object, on grounds relating to my particular situation, to LinkedIn" in page
    assert "keep LinkedIn's confirmation" in page


def test_checklist_writes_are_rate_limited(client, published, settings):
    settings.CHECKLIST_WRITES_PER_MINUTE = 3
    for _ in range(3):
        assert tick(client).status_code == 302
    response = tick(client, state="todo")
    assert response.status_code == 429
    assert "Please wait a moment" in response.content.decode()
    assert Item.objects.count() == 1


def test_new_checklists_are_limited_across_workers_and_ticks_write_no_shared_counter(
    published, settings
):
    settings.CHECKLIST_WRITES_PER_MINUTE = 3
    # A client that drops its cookie makes a new checklist with every tick: that is counted in
    # the shared cache, so another worker (here: this one with its own counts forgotten) knows.
    dropper = Client()
    statuses = []
    for _ in range(4):
        caches["local"].clear()
        dropper.cookies.clear()
        statuses.append(tick(dropper).status_code)
    assert statuses == [302, 302, 302, 429]
    assert Checklist.objects.count() == 3

    # A visitor ticking their own checklist is counted by the worker only: no shared write.
    visitor = Client(REMOTE_ADDR="198.51.100.40")
    assert tick(visitor).status_code == 302  # creates the checklist: counted once, shared
    shared = dict(caches["default"]._cache)
    for state in ("waiting", "todo"):
        response = tick(visitor, "/checklist/linkedin/objection-form/", state=state)
        assert response.status_code == 302
    assert dict(caches["default"]._cache) == shared
    assert tick(visitor).status_code == 429  # the fourth tick in the minute, in this worker
