"""Every admin action that changes what visitors see shows at once, even on a cached page.

Each test warms the page cache first (and proves the page then comes from the cache), acts
through the admin's own URLs as an editor's browser would, and reads the page again as a new
visitor.
"""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from optout import clock
from optout.feedback.models import MismatchReport, StepCheck
from optout.guides.content import create_draft, read_folder
from optout.guides.models import GuideVersion
from tests.factories import write_french
from tests.helpers import SAME_SITE

GUIDE = "/guides/linkedin/"
HINT = "Some readers say this screen has changed"


def cached(url: str = GUIDE) -> str:
    """The page as a new visitor gets it, after making sure it is in the cache: a cached page
    costs one query (the current version), a rendered one many more."""
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    assert len(queries) == 1, "the page did not come from the cache"
    return response.content.decode()


def fresh(url: str = GUIDE) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_publishing_and_restoring_in_the_admin_show_at_once(client, published, paul):
    client.force_login(paul)
    assert "Switch the toggle Off" in cached()
    assert client.post(f"/admin/guides/guide/{published.guide.pk}/start-draft/").status_code == 302
    draft = GuideVersion.objects.drafts().get()
    step = draft.steps.get(order=2)
    step.title = "Turn the switch to Off"
    step.save()
    assert "Turn the switch to Off" not in cached()  # a draft changes nothing for visitors
    response = client.post(
        f"/admin/guides/guideversion/{draft.pk}/publish/", {"summary": "Renamed the switch"}
    )
    assert response.status_code == 302
    page = fresh()
    assert "Turn the switch to Off" in page and "Version 2, published" in page

    cached()
    response = client.post(f"/admin/guides/guideversion/{published.pk}/restore/")
    assert response.status_code == 302
    page = fresh()
    assert "Switch the toggle Off" in page and "Version 3, published" in page


def test_a_step_check_recorded_in_the_admin_shows_at_once(client, published, erin):
    client.force_login(erin)
    assert "Checked on" not in cached()
    day = clock.today() - datetime.timedelta(days=1)
    response = client.post(
        "/admin/feedback/stepcheck/add/",
        {"version": published.pk, "step_order": 2, "surface": "ios", "checked_on": day},
    )
    assert response.status_code == 302
    assert StepCheck.objects.get().checked_by == erin
    assert f"Checked on {day:%-d %B %Y} on iPhone" in fresh()


def test_dismissing_reports_in_the_admin_removes_the_hint_at_once(
    client, published, erin, settings
):
    settings.MISMATCH_HINT_THRESHOLD = 2
    report = {"version": 1, "step": 2, "surface": "web", "text": "Different menu"}
    for address in ("192.0.2.1", "192.0.2.2"):
        response = Client(REMOTE_ADDR=address).post("/guides/linkedin/report/", report, **SAME_SITE)
        assert response.status_code == 200
    assert HINT in cached()
    client.force_login(erin)
    url = reverse("admin:feedback_dismiss_reports", args=[published.guide_id, "step-2"])
    assert client.post(url, {"reason": "Same menu on every surface"}).status_code == 302
    assert HINT not in fresh()


def test_recording_a_check_in_the_admin_shows_at_once(client, published, paul, monkeypatch):
    today = clock.today() + datetime.timedelta(days=100)  # never checked, added 100 days ago
    monkeypatch.setattr(clock, "today", lambda: today)
    page = cached()
    assert "These steps may be out of date" in page and "Last checked against" not in page
    client.force_login(paul)
    response = client.post(
        f"/admin/guides/guide/{published.guide.pk}/check/", {"checked_on": today.isoformat()}
    )
    assert response.status_code == 302
    page = fresh()
    assert f'Last checked against LinkedIn on <time datetime="{today:%Y-%m-%d}">' in page
    assert "These steps may be out of date" not in page


def test_a_translation_edited_in_the_admin_shows_once_published(
    client, db, guide_folder, erin, paul
):
    create_draft(read_folder(write_french(guide_folder))).publish("First version.")
    french = "/fr/guides/linkedin/"
    assert "Mettez-le sur Off." in cached(french)
    client.force_login(erin)
    guide = GuideVersion.objects.get().guide
    assert client.post(f"/admin/guides/guide/{guide.pk}/start-draft/").status_code == 302
    draft = GuideVersion.objects.drafts().get()
    step = draft.steps.get(order=2)
    url = f"/admin/guides/guideversion/{draft.pk}/translations/fr/step/{step.pk}/"
    response = client.post(url, {"title": "Désactivez le bouton", "body_md": "Basculez sur Off."})
    assert response.status_code == 302
    assert "Basculez sur Off." not in cached(french)  # still a draft
    client.force_login(paul)
    response = client.post(
        f"/admin/guides/guideversion/{draft.pk}/publish/", {"summary": "Clearer French"}
    )
    assert response.status_code == 302
    page = fresh(french)
    assert "Basculez sur Off." in page and "Mettez-le sur Off." not in page


def test_deleting_a_step_check_or_reports_in_the_admin_shows_at_once(
    client, published, admin_user, settings
):
    """Only superusers may delete them (the groups cannot), but the page must follow too."""
    settings.MISMATCH_HINT_THRESHOLD = 1
    day = clock.today() - datetime.timedelta(days=2)
    check = StepCheck.objects.create(version=published, step_order=1, surface="web", checked_on=day)
    report = {"version": 1, "step": 2, "surface": "web"}
    assert Client().post("/guides/linkedin/report/", report, **SAME_SITE).status_code == 200
    page = cached()
    assert f"Checked on {day:%-d %B %Y} on the web" in page and HINT in page
    client.force_login(admin_user)
    response = client.post(f"/admin/feedback/stepcheck/{check.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "Checked on" not in fresh()
    cached()
    response = client.post(
        "/admin/feedback/mismatchreport/",
        {"action": "delete_selected", "_selected_action": [r.pk for r in MismatchReport.objects.all()], "post": "yes"},
    )  # fmt: skip
    assert response.status_code == 302
    assert not MismatchReport.objects.exists()
    assert HINT not in fresh()
