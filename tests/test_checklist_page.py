import datetime
import io
import json
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from optout.checklists.models import Checklist, Item
from tests.helpers import SAME_SITE


@pytest.fixture
def alice(published):
    """A visitor who ticked the AI-training setting."""
    client = Client()
    client.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    return client


def test_the_checklist_lists_every_control_with_the_date_it_was_ticked(alice):
    page = alice.get("/checklist/").content.decode()
    today = datetime.date.today().strftime("%-d %B %Y")
    assert f"<strong>Done</strong> on {today}, following version 1." in page
    assert "Social, Economic and Workplace Research" in page
    assert "1 of 3 done" in page
    assert 'name="next" value="checklist"' in page
    assert "Download my data (JSON)" in page


def test_the_checklist_shows_each_items_deep_link_beside_its_button(alice):
    page = alice.get("/checklist/").content.decode()
    for link, button in (
        ("mypreferences/d/settings/data-for-ai-improvement", "Undo: the AI-training setting"),
        ("mypreferences/d/categories/privacy", "Mark the research setting as done"),
        ("help/linkedin/ask/TS-DPRO", "Mark the objection form as done"),
    ):
        actions = re.search(
            rf'<div class="item-actions">\s*<a [^>]*href="https://www.linkedin.com/{link}"'
            rf".*?</div>",
            page,
            re.S,
        )
        assert actions and button in actions.group(0), link


def test_the_first_tick_on_the_checklist_page_updates_its_other_parts_with_htmx(client, published):
    page = client.get("/checklist/").content.decode()
    assert "You have not ticked anything on this device yet" in page
    assert "Get a resume code" not in page
    response = client.post(
        "/checklist/linkedin/research-use/",
        {"state": "done", "next": "checklist"},
        HTTP_HX_REQUEST="true",
        **SAME_SITE,
    )
    swap = response.content.decode()
    assert 'id="item-linkedin-research-use"' in swap
    # Out of band: the introduction, the resume code panel and "your data".
    assert '<div id="checklist-lede" data-hx-swap-oob="true">' in swap
    assert "What you have switched off, and when." in swap
    assert "You have not ticked anything" not in swap
    assert '<div id="code-panel" data-hx-swap-oob="true">' in swap
    assert "Get a resume code" in swap
    assert '<div id="data-panel" data-hx-swap-oob="true">' in swap
    assert "Download my data (JSON)" in swap

    # Later ticks leave them alone: a resume code on show must not disappear.
    again = client.post(
        "/checklist/linkedin/ai-training/",
        {"state": "done", "next": "checklist"},
        HTTP_HX_REQUEST="true",
        **SAME_SITE,
    ).content.decode()
    assert "code-panel" not in again and "checklist-lede" not in again
    # And ticks on the guide page never carry the checklist page's parts.
    guide = client.post(
        "/checklist/linkedin/objection-form/",
        {"state": "waiting"},
        HTTP_HX_REQUEST="true",
        **SAME_SITE,
    ).content.decode()
    assert "code-panel" not in guide


def test_ticking_from_the_checklist_page_returns_there(alice):
    response = alice.post(
        "/checklist/linkedin/research-use/", {"state": "done", "next": "checklist"}, **SAME_SITE
    )
    assert response["Location"] == "/checklist/#item-linkedin-research-use"


def test_an_empty_checklist_page_explains_and_sets_no_cookie(client, published):
    response = client.get("/checklist/")
    assert "You have not ticked anything on this device yet" in response.content.decode()
    assert not response.cookies


def code_from(response) -> str:
    match = re.search(r'<output id="resume-code">([0-9A-Z-]+)</output>', response.content.decode())
    return match.group(1)


def test_a_resume_code_restores_the_checklist_on_another_device(alice, published):
    code = code_from(alice.post("/checklist/code/", **SAME_SITE))
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    bob_device = Client()
    response = bob_device.post(
        "/checklist/resume/", {"code": code.lower().replace("-", " ")}, **SAME_SITE
    )
    assert response.status_code == 302
    assert response.cookies[settings.CHECKLIST_COOKIE_NAME]
    page = bob_device.get(response["Location"]).content.decode()
    assert "Your checklist is now on this device too" in page
    assert "1 of 3 done" in page
    # Both devices share one checklist from now on.
    bob_device.post("/checklist/linkedin/research-use/", {"state": "done"}, **SAME_SITE)
    assert "2 of 3 done" in alice.get("/checklist/").content.decode()
    assert Checklist.objects.count() == 1


def test_replacing_the_code_makes_the_old_one_stop_working(alice):
    old = code_from(alice.post("/checklist/code/", **SAME_SITE))
    new = code_from(alice.post("/checklist/code/", **SAME_SITE))
    assert old != new
    assert Client().post("/checklist/resume/", {"code": old}, **SAME_SITE).status_code == 400
    assert Client().post("/checklist/resume/", {"code": new}, **SAME_SITE).status_code == 302


def test_the_code_is_stored_only_as_a_hash(alice):
    code = code_from(alice.post("/checklist/code/", **SAME_SITE))
    stored = Checklist.objects.get().resume_code_hash
    assert code.replace("-", "") not in stored.upper() and len(stored) == 64
    assert set(stored) <= set("0123456789abcdef")
    # The stored value does not work as a code: only the code itself opens the checklist.
    assert Client().post("/checklist/resume/", {"code": stored}, **SAME_SITE).status_code == 400


def test_resume_codes_are_random_in_every_character_and_never_repeat(published):
    """80 bits in 16 characters: every position takes every one of the 32 characters about
    equally often. A code with less randomness in the same format (32 bits padded to 16
    characters, a hex token) leaves positions fixed or characters unused."""
    checklist = Checklist.objects.create()
    codes = [checklist.new_resume_code().replace("-", "") for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    alphabet = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    for position in range(16):
        counts = Counter(code[position] for code in codes)
        assert set(counts) == alphabet, f"position {position} uses only {sorted(counts)}"
        # Each character is expected 62.5 times; chi-squared with 31 degrees of freedom passes 90
        # about once in ten million positions of a fair generator.
        expected = len(codes) / 32
        chi2 = sum((counts[c] - expected) ** 2 / expected for c in alphabet)
        assert chi2 < 90, f"position {position} is lopsided: {counts.most_common(3)}"
    # The last code is the one that works, and only its hash is kept.
    stored = Checklist.objects.get().resume_code_hash
    assert codes[-1] not in stored.upper()
    assert Checklist.for_code(codes[-1]) == checklist
    assert Checklist.for_code(codes[0]) is None


@pytest.mark.parametrize("code", ["", "nope", "0000-0000-0000-0000", "x" * 41, "🙂" * 16])
def test_a_bad_code_gets_a_clear_message(client, published, code):
    response = client.post("/checklist/resume/", {"code": code}, **SAME_SITE)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert not response.cookies


def test_a_code_cannot_be_asked_for_without_a_checklist(client, published):
    assert client.post("/checklist/code/", **SAME_SITE).status_code == 400
    assert not Checklist.objects.exists()


def test_guessing_codes_is_rate_limited_per_client(client, published, settings):
    settings.RESUME_LOOKUPS_PER_HOUR = 5
    for _ in range(5):
        assert client.post("/checklist/resume/", {"code": "nope"}, **SAME_SITE).status_code == 400
    response = client.post("/checklist/resume/", {"code": "nope"}, **SAME_SITE)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "keep checklists safe from guessing" in response.content.decode()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/checklist/resume/", {"code": "nope"}, **SAME_SITE).status_code == 400


def test_resume_posts_from_other_sites_are_refused(alice):
    code = code_from(alice.post("/checklist/code/", **SAME_SITE))
    response = Client().post("/checklist/resume/", {"code": code}, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403


def test_download_my_data_gives_the_checklist_as_json(alice):
    response = alice.get("/checklist/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="optout-checklist.json"'
    data = json.loads(response.content)
    assert data["format"] == "optout-checklist/1"
    assert [(i["guide"], i["control"], i["state"], i["guide_version"]) for i in data["items"]] == [
        ("linkedin", "ai-training", "done", 1)
    ]
    # Everything the site keeps about the visitor, and nothing else (test_privacy checks that
    # their address and browser are not in it).
    assert set(data) == {"format", "created", "last_used", "has_resume_code", "items"}
    assert set(data["items"][0]) == {"guide", "control", "state", "ticked_at", "guide_version"}


def test_download_without_a_checklist_is_a_404(client, db):
    assert client.get("/checklist/export.json").status_code == 404


def test_delete_my_data_asks_first_then_erases_everything_and_the_cookie(alice):
    page = alice.get("/checklist/delete/").content.decode()
    assert "Yes, delete my checklist" in page
    assert Checklist.objects.exists()
    response = alice.post("/checklist/delete/", **SAME_SITE)
    assert response.status_code == 200
    assert "Your data is deleted" in response.content.decode()
    cookie = response.cookies[settings.CHECKLIST_COOKIE_NAME]
    assert cookie.value == "" and cookie["max-age"] == 0
    assert not Checklist.objects.exists() and not Item.objects.exists()


def test_deleting_a_checklist_with_a_resume_code_warns_every_device_loses_it(alice):
    warning = "every device that uses that code loses the checklist too"
    assert warning not in alice.get("/checklist/delete/").content.decode()
    alice.post("/checklist/code/", **SAME_SITE)
    assert warning in alice.get("/checklist/delete/").content.decode()


def test_delete_from_another_site_is_refused(alice):
    assert alice.post("/checklist/delete/", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert Checklist.objects.exists()


def test_purgechecklists_removes_only_idle_checklists(alice, settings):
    settings.CHECKLIST_RETENTION_DAYS = 400
    fresh = Checklist.objects.get()
    idle = Checklist.objects.create()
    Checklist.objects.filter(pk=idle.pk).update(
        last_seen_on=datetime.date.today() - datetime.timedelta(days=401)
    )
    call_command("purgechecklists")
    assert list(Checklist.objects.all()) == [fresh]


def test_purging_in_small_batches_deletes_every_idle_checklist_and_nothing_else(alice):
    long_ago = datetime.date.today() - datetime.timedelta(days=401)
    control = Item.objects.get().control
    idle = [Checklist.objects.create() for _ in range(7)]
    for checklist in idle[:4]:
        Item.objects.create(
            checklist=checklist, control=control, state="done", ticked_at=checklist.created_at,
            version_number=1,
        )  # fmt: skip
    Checklist.objects.filter(pk__in=[c.pk for c in idle]).update(last_seen_on=long_ago)
    kept = set(Checklist.objects.exclude(pk__in=[c.pk for c in idle]))
    kept.add(Checklist.objects.create())  # fresh, without items
    out = io.StringIO()
    call_command("purgechecklists", "--batch-size", "3", "--days", "400", "-v2", stdout=out)
    assert "Deleted 7 checklist(s)" in out.getvalue()
    assert re.search(r"The longest batch took \d+ ms", out.getvalue())
    assert set(Checklist.objects.all()) == kept
    assert Item.objects.count() == 1  # alice's tick
    assert Item.objects.get().checklist in kept
    alice_page = alice.get("/checklist/").content.decode()
    assert "1 of 3 done" in alice_page


def test_a_purge_checkpoints_its_own_writes_before_a_visitor_would(alice):
    """On SQLite, the visitor whose commit crosses the WAL limit copies every page written since
    the last checkpoint into the database, and waits for the disk. During a purge most of those
    pages are the purge's, so the purge checkpoints at half the site's limit, and leaves its
    connection as it was. (PostgreSQL has no such limit per connection: nothing to change.)"""

    def wal_limit():
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    long_ago = datetime.date.today() - datetime.timedelta(days=401)
    Checklist.objects.bulk_create([Checklist(last_seen_on=long_ago) for _ in range(2)])
    site_limit = wal_limit()
    batches = Checklist.objects.idle(400).delete_in_batches(batch_size=1)
    next(batches)
    during = wal_limit()
    assert sum(deleted for deleted, _took in batches) == 1
    assert Checklist.objects.count() == 1  # alice's
    if connection.vendor == "sqlite":  # on PostgreSQL: it purged without a PRAGMA
        assert site_limit == 8000  # settings: fewer rounds of checkpoint and fsync
        assert (during, wal_limit()) == (4000, 8000)


def test_purgechecklists_refuses_a_batch_size_below_one(db):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("purgechecklists", "--batch-size", "0")


def test_using_a_checklist_keeps_it_from_being_purged(alice):
    Checklist.objects.update(last_seen_on=datetime.date(2020, 1, 1))
    alice.get("/guides/linkedin/")
    assert Checklist.objects.get().last_seen_on == datetime.date.today()


def test_a_forged_cookie_is_ignored(client, published):
    client.cookies[settings.CHECKLIST_COOKIE_NAME] = "not-signed"
    assert client.get("/checklist/").status_code == 200
    assert client.get("/checklist/export.json").status_code == 404


def test_the_calendar_reminder_is_a_valid_ics_file(client, db):
    response = client.get("/checklist/reminder.ics?months=6")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    expected = (datetime.date.today() + datetime.timedelta(days=183)).strftime("%Y%m")
    assert re.search(r"DTSTART;VALUE=DATE:(\d{8})", body).group(1)[:6] in {
        expected,
        (datetime.date.today() + datetime.timedelta(days=181)).strftime("%Y%m"),
    }
    assert client.get("/checklist/reminder.ics?months=7").status_code == 400
    assert client.get("/checklist/reminder.ics").status_code == 400
