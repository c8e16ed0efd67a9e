"""Keeping the guide true: visitors' mismatch reports, step checks, watched sources, the queue."""

import datetime
import http.server
import importlib
import threading

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from optout.feedback.models import MismatchReport, StepCheck, WatchedSource
from optout.feedback.queue import attention
from optout.feedback.watch import USER_AGENT, check
from tests.helpers import SAME_SITE

URL = "/guides/linkedin/report/"


def report(client, **data):
    fields = {"version": 1, "step": 2, "surface": "web", "region": "eu", "text": "", **data}
    return client.post(URL, fields, **SAME_SITE)


def test_a_visitor_reports_a_step_in_one_tap_without_a_cookie(client, published):
    page = client.get("/guides/linkedin/").content.decode()
    assert "<summary>Screen looks different?</summary>" in page
    response = report(client, text="The toggle is now called 'AI data'")
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not response.cookies
    stored = MismatchReport.objects.get()
    assert (stored.version, stored.step_order, stored.step_title) == (
        published,
        2,
        "Switch the toggle Off",
    )
    assert (stored.surface, stored.region, stored.text) == (
        "web",
        "eu",
        "The toggle is now called 'AI data'",
    )
    # Nothing about the visitor: test_privacy allow-lists the report's fields.


def test_with_htmx_only_the_thanks_replace_the_form(client, published):
    response = client.post(
        URL, {"version": 1, "step": 1, "surface": "ios"}, HTTP_HX_REQUEST="true", **SAME_SITE
    )
    html = response.content.decode()
    assert '<div class="report-thanks" role="status">' in html and "<html" not in html


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"surface": "fax"}, 400),
        ({"text": "x" * 501}, 400),
        ({"text": "see https://spam.example"}, 400),
        ({"text": "see HTTP://spam.example"}, 400),
        ({"text": "see www.spam.example"}, 400),
        ({"text": "see WWW.Spam.example"}, 400),
        ({"step": 99}, 404),
        ({"version": 7}, 404),
        ({"version": "one"}, 400),
        ({"region": "mars"}, 400),
    ],
)
def test_bad_reports_get_a_clear_error_and_store_nothing(client, published, data, status):
    response = report(client, **data)
    assert response.status_code == status
    assert not MismatchReport.objects.exists()


def test_the_honeypot_thanks_the_bot_and_stores_nothing(client, published):
    assert report(client, website="http://buy.example").status_code == 200
    assert not MismatchReport.objects.exists()


def test_reports_are_rate_limited_and_refused_from_other_sites(client, published, settings):
    settings.REPORTS_PER_HOUR = 2
    assert report(client).status_code == 200
    assert report(client).status_code == 200
    assert report(client).status_code == 429
    assert MismatchReport.objects.count() == 2
    cross = Client().post(
        URL, {"version": 1, "step": 2, "surface": "web"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert cross.status_code == 403


def test_a_calm_hint_appears_after_enough_reports_since_the_last_check(
    client, published, settings, erin
):
    settings.MISMATCH_HINT_THRESHOLD = 2
    report(client)
    assert (
        "Some readers say this screen has changed"
        not in client.get("/guides/linkedin/").content.decode()
    )
    report(Client(REMOTE_ADDR="10.0.0.2"))
    assert (
        "Some readers say this screen has changed"
        in client.get("/guides/linkedin/").content.decode()
    )
    editor = Client()
    editor.force_login(erin)
    check = {"version": published.pk, "step_order": 2, "surface": "web"}
    response = editor.post(
        "/admin/feedback/stepcheck/add/", {**check, "checked_on": timezone.localdate()}
    )
    assert response.status_code == 302
    page = client.get("/guides/linkedin/").content.decode()
    assert "Some readers say this screen has changed" not in page
    assert f"Checked on {timezone.localdate():%-d %B %Y} on the web" in page


def test_the_queue_puts_the_most_reported_step_first_and_closes_entries(
    client, published, guide_folder, erin
):
    for _ in range(3):
        report(Client(), step=2, text="Different menu")
    report(Client(), step=1)
    gone = WatchedSource.objects.create(
        url="https://example.org/gone", state="gone", changed_at=timezone.now()
    )
    published.sources.model.objects.filter(version=published, key="seed-000").update(url=gone.url)
    entries = attention(timezone.localdate())
    titles = [e.title for e in entries]
    assert titles[0].startswith('Step 2, "Switch the toggle Off": 3 mismatch reports')
    assert titles[1].startswith('Step 1, "Open Settings & Privacy": 1 mismatch report')
    assert titles[2] == "Source gone: https://example.org/gone"
    assert 'Newest: "Different menu" (the web)' in entries[0].detail

    client.force_login(erin)
    admin = client.get("/admin/").content.decode()
    assert "Needs attention, most urgent first" in admin and "3 mismatch reports" in admin
    assert client.post(entries[1].dismiss_url, {"reason": ""}).status_code == 400
    assert (
        client.post(entries[1].dismiss_url, {"reason": "Fine on every surface"}).status_code == 302
    )
    assert [e.title[:6] for e in attention(timezone.localdate())][:2] == ["Step 2", "Source"]
    client.post(entries[2].dismiss_url, {"reason": "Moved to the archive, still true"})
    assert not any(e.title.startswith("Source") for e in attention(timezone.localdate()))

    fix = published.copy_as_draft()
    fix.steps.filter(order=2).update(title="Switch the AI data toggle Off")
    fix.publish("Fixed step 2")  # a version that changes the step closes its reports
    assert not any(e.title.startswith("Step") for e in attention(timezone.localdate()))


def edit_step(version, order, **changes):
    """A draft from `version` with one step changed and published; returns the new version."""
    draft = version.copy_as_draft()
    step = draft.steps.get(order=order)
    for field, value in changes.items():
        setattr(step, field, value)
    step.save()
    draft.publish(f"Changed step {order}")
    return draft


def test_reports_outlive_a_publish_that_does_not_change_their_step(client, published, erin):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        report(Client(REMOTE_ADDR=address), step=2, text="The toggle is called AI data now")
    hint = "Some readers say this screen has changed"
    assert hint in client.get("/guides/linkedin/").content.decode()

    newer = edit_step(published, 1, title="Open Settings & Privacy from your photo")
    assert newer.number == 2
    assert MismatchReport.objects.open().count() == 3
    assert {r.status for r in MismatchReport.objects.all()} == {"Open"}
    # The page visitors see now still carries the hint, under the same step.
    assert hint in client.get("/guides/linkedin/").content.decode()
    [entry] = [e for e in attention(timezone.localdate()) if e.title.startswith("Step")]
    assert entry.title == 'Step 2, "Switch the toggle Off": 3 mismatch reports'

    fixed = edit_step(newer, 2, body_md="Switch **Data for Generative AI Improvement** Off.")
    assert MismatchReport.objects.open().count() == 0
    assert {r.status for r in MismatchReport.objects.all()} == {f"Fixed in version {fixed.number}"}
    assert hint not in client.get("/guides/linkedin/").content.decode()
    assert not [e for e in attention(timezone.localdate()) if e.title.startswith("Step")]

    client.force_login(erin)
    listing = client.get("/admin/feedback/mismatchreport/").content.decode()
    assert f"Fixed in version {fixed.number}" in listing


def test_a_report_about_a_step_a_version_removes_is_fixed_by_it(published):
    report(Client(), step=2, text="Gone")
    draft = published.copy_as_draft()
    draft.steps.get(order=2).delete()
    draft.publish("Step 2 is no longer needed")
    assert MismatchReport.objects.get().status == f"Fixed in version {draft.number}"


def test_the_dismiss_form_shows_the_reports_it_closes(client, published, erin):
    report(Client(REMOTE_ADDR="10.0.0.1"), step=2, surface="ios", text="It says AI data")
    report(Client(REMOTE_ADDR="10.0.0.2"), step=2, text="")
    [entry] = [e for e in attention(timezone.localdate()) if e.title.startswith("Step")]
    client.force_login(erin)
    page = client.get(entry.dismiss_url).content.decode()
    assert "2 open reports" in page
    assert "It says AI data" in page and "iPhone" in page and "(no description)" in page
    response = client.post(entry.dismiss_url, {"reason": "Checked: still true"}, follow=True)
    assert "Dismissed 2 reports about the step" in response.content.decode()
    assert {r.status for r in MismatchReport.objects.all()} == {"Dismissed: Checked: still true"}


def test_the_migration_reopens_reports_whose_step_did_not_change(published):
    """Before, a report closed when any newer version was published; the data migration names
    each report's step and keeps it open unless a later version changed that step."""
    from django.apps import apps

    migration = importlib.import_module("optout.feedback.migrations.0003_reports_follow_their_step")
    report(Client(REMOTE_ADDR="10.0.0.1"), step=1, text="Still the same")
    report(Client(REMOTE_ADDR="10.0.0.2"), step=2, text="Changed since")
    newer = edit_step(published, 2, title="Switch the toggle to Off")
    MismatchReport.objects.update(step_slug="", fixed_in=None)  # as the old code stored them

    migration.follow_steps(apps, None)

    first, second = MismatchReport.objects.order_by("step_order")
    assert (first.step_slug, first.status) == ("step", "Open")
    assert (second.step_slug, second.status) == ("step-2", f"Fixed in version {newer.number}")


def test_editors_record_step_checks_in_the_admin_with_clear_errors(client, published, erin):
    client.force_login(erin)
    url = "/admin/feedback/stepcheck/add/"
    bad = client.post(
        url,
        {"version": published.pk, "step_order": 42, "surface": "web", "checked_on": "2026-01-01"},
    )
    assert bad.status_code == 200 and "has no step 42" in bad.content.decode()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = client.post(
        url, {"version": published.pk, "step_order": 1, "surface": "ios", "checked_on": future}
    )
    assert "cannot be in the future" in bad.content.decode()
    ok = client.post(
        url,
        {"version": published.pk, "step_order": 1, "surface": "ios", "checked_on": "2026-01-01"},
    )
    assert ok.status_code == 302
    assert StepCheck.objects.get().checked_by == erin
    assert (
        "Checked on 1 January 2026 on iPhone" in Client().get("/guides/linkedin/").content.decode()
    )


class Pages(http.server.BaseHTTPRequestHandler):
    """A tiny site whose pages the tests change."""

    pages: dict[str, tuple[int, str, str]] = {}
    agents: list[str] = []

    def do_GET(self):
        self.agents.append(self.headers.get("User-Agent", ""))
        status, location, body = self.pages.get(self.path, (404, "", "not found"))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Pages.pages, Pages.agents = {}, []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def html(main: str, noise: str = "") -> str:
    return f"<html><nav>{noise}</nav><main><h1>Help</h1><p>{main}</p></main><script>var t={noise!r}</script></html>"


def test_watching_notices_changed_moved_gone_and_unreachable_pages(db, local_site):
    url = f"{local_site}/help"
    Pages.pages["/help"] = (200, "", html("Switch the setting off.", "visited 1 time"))
    assert check(url).state == "new"
    Pages.pages["/help"] = (
        200,
        "",
        html("Switch the setting off.", "visited 2 times, menu changed"),
    )
    assert check(url).state == "same"  # navigation, scripts and numbers are not the main text
    Pages.pages["/help"] = (200, "", html("Switch the setting on, then off."))
    changed = check(url)
    assert changed.state == "changed" and changed.needs_attention and changed.changed_at
    Pages.pages["/help"] = (301, f"{local_site}/new-help", "")
    Pages.pages["/new-help"] = (200, "", html("Moved here."))
    moved = check(url)
    assert moved.state == "moved" and moved.final_url == f"{local_site}/new-help"
    Pages.pages["/help"] = (404, "", "gone")
    assert check(url).state == "gone"
    assert check("http://127.0.0.1:9/nothing-listens-here", timeout=2).state == "unreachable"
    assert set(Pages.agents) == {USER_AGENT}


def test_watchsources_fetches_public_cited_sources_and_skips_login_pages(
    published, local_site, settings
):
    Pages.pages["/faq"] = (200, "", html("FAQ"))
    published.sources.model.objects.filter(version=published, key="seed-000").update(
        url=f"{local_site}/faq"
    )
    published.sources.model.objects.filter(version=published, key="seed-003").update(
        url="https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
    )
    from io import StringIO

    out = StringIO()
    call_command("watchsources", "--delay", "0", stdout=out)
    assert f"First seen   {local_site}/faq" in out.getvalue()
    assert list(WatchedSource.objects.values_list("url", flat=True)) == [f"{local_site}/faq"]
