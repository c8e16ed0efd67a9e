"""The editors' workflow rules, through the admin as editors use it."""

import datetime
import html
import re
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from optout import clock
from optout.guides.content import create_draft, read_folder
from optout.guides.models import AuditEntry, GuideVersion, PublishConflict, Step, VersionLocked


def login(client, user):
    client.force_login(user)
    return client


def start_draft(client, guide_pk) -> GuideVersion:
    response = client.post(f"/admin/guides/guide/{guide_pk}/start-draft/")
    assert response.status_code == 302
    return GuideVersion.objects.drafts().latest("pk")


def change_form_data(client, draft) -> dict:
    """What the browser would post back from the draft's change form, unchanged."""
    page = client.get(f"/admin/guides/guideversion/{draft.pk}/change/").content.decode()
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or "__prefix__" in name.group(1):
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        if "__prefix__" not in name:
            data[name] = html.unescape(body.lstrip("\n"))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        if "__prefix__" in name:
            continue
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    data.pop("csrfmiddlewaretoken", None)
    return data


def step_field(data: dict, title: str, field: str) -> str:
    prefix = next(
        k[: -len("-title")] for k, v in data.items() if k.endswith("-title") and v == title
    )
    return f"{prefix}-{field}"


def test_an_editor_starts_a_draft_that_copies_the_published_version(client, published, erin):
    draft = start_draft(login(client, erin), published.guide.pk)
    assert draft.based_on_number == 1
    assert draft.steps.count() == published.steps.count()
    assert draft.faq_entries.count() == published.faq_entries.count()
    assert draft.region_rules.count() == published.region_rules.count()
    assert draft.sources.count() == published.sources.count()
    assert draft.sections.count() == 3
    assert AuditEntry.objects.filter(action="create", user=erin, version=draft).exists()


def test_an_editor_edits_a_step_inline_and_the_audit_log_says_who(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    data = change_form_data(client, draft)
    data[step_field(data, "Switch the toggle Off", "body_md")] = "Switch it **Off** now."
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    step = draft.steps.get(title="Switch the toggle Off")
    assert step.body_html == "<p>Switch it <strong>Off</strong> now.</p>"
    assert AuditEntry.objects.filter(action="edit", user=erin, version=draft).exists()
    published.refresh_from_db()
    assert published.steps.get(title="Switch the toggle Off").body_md == "Set it to Off."


def test_reordering_steps_swaps_their_numbers_without_a_clash(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    data = change_form_data(client, draft)
    first = step_field(data, "Open Settings & Privacy", "order")
    second = step_field(data, "Switch the toggle Off", "order")
    data[first], data[second] = data[second], data[first]
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data)
    assert response.status_code == 302
    assert list(draft.steps.order_by("order").values_list("title", flat=True)[:2]) == [
        "Switch the toggle Off",
        "Open Settings & Privacy",
    ]


def test_two_editors_saving_the_same_draft_do_not_overwrite_each_other(
    client, published, erin, paul
):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    erins_form = change_form_data(client, draft)
    from django.test import Client

    pauls = login(Client(), paul)
    pauls_form = change_form_data(pauls, draft)
    pauls_form["title"] = "Paul's title"
    assert (
        pauls.post(f"/admin/guides/guideversion/{draft.pk}/change/", pauls_form).status_code == 302
    )

    erins_form["title"] = "Erin's title"
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", erins_form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this draft while you were editing it" in page
    assert "Erin&#x27;s title" in page  # her text is still in the form
    draft.refresh_from_db()
    assert draft.title == "Paul's title"


def test_publishing_needs_a_summary_and_marks_controls_for_rechecking(client, published, paul):
    login(client, paul)
    draft = start_draft(client, published.guide.pk)
    url = f"/admin/guides/guideversion/{draft.pk}/publish/"
    response = client.post(url, {"summary": "  "})
    assert response.status_code == 200
    assert (
        "This field is required" in response.content.decode()
        or "Say in a sentence" in response.content.decode()
    )
    response = client.post(
        url, {"summary": "LinkedIn renamed the menu", "recheck": ["ai-training"]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.number, draft.status, draft.recheck_controls) == (2, "published", ["ai-training"])
    assert draft.published_by == paul
    assert AuditEntry.objects.filter(action="publish", user=paul, version=draft).exists()
    assert client.post(url, {"summary": "again"}).status_code == 302  # says it is published


def test_publishing_refuses_an_unknown_control(client, published, paul):
    login(client, paul)
    draft = start_draft(client, published.guide.pk)
    response = client.post(
        f"/admin/guides/guideversion/{draft.pk}/publish/", {"summary": "x", "recheck": ["nope"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert GuideVersion.objects.get(pk=draft.pk).is_draft


def test_editors_cannot_publish_or_verify(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    assert (
        client.post(f"/admin/guides/guideversion/{draft.pk}/publish/", {"summary": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/admin/guides/guide/{published.guide.pk}/check/", {"checked_on": "2026-01-01"}
        ).status_code
        == 403
    )
    assert client.post(f"/admin/guides/guideversion/{published.pk}/restore/").status_code == 403
    assert GuideVersion.objects.get(pk=draft.pk).is_draft


def test_published_versions_are_read_only_in_the_admin(client, published, paul):
    login(client, paul)
    page = client.get(f"/admin/guides/guideversion/{published.pk}/change/").content.decode()
    assert "Published versions never change" in page
    assert 'name="title"' not in page
    response = client.post(
        f"/admin/guides/guideversion/{published.pk}/change/", {"title": "Hacked"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/admin/guides/guideversion/{published.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    published.refresh_from_db()
    assert published.title != "Hacked"


def test_a_draft_started_before_another_publish_cannot_overwrite_it(published, guide_folder):
    first = create_draft(read_folder(guide_folder))
    second = create_draft(read_folder(guide_folder))
    first.publish("First editor")
    with pytest.raises(PublishConflict, match="Version 2 was published after this draft"):
        second.publish("Second editor")
    assert GuideVersion.objects.published().get() == first


def test_two_publishers_publishing_at_once_end_with_one_published_version(
    transactional_db, tmp_path
):
    from tests.factories import write_guide

    folder = write_guide(tmp_path / "g")
    create_draft(read_folder(folder)).publish("v1")
    draft = create_draft(read_folder(folder))
    results = []
    barrier = threading.Barrier(2)

    def publish():
        barrier.wait()
        try:
            GuideVersion.objects.get(pk=draft.pk).publish("at once")
            results.append("published")
        except (VersionLocked, PublishConflict) as exc:
            results.append(str(exc))
        except Exception as exc:
            results.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2, results
    assert results.count("published") == 1
    assert "has already been published by someone else" in next(
        r for r in results if r != "published"
    )
    assert GuideVersion.objects.published().count() == 1
    assert GuideVersion.objects.get(pk=draft.pk).number == 2


def test_restoring_an_old_version_publishes_its_content_as_a_new_version(
    client, published, paul, guide_folder
):
    login(client, paul)
    draft = start_draft(client, published.guide.pk)
    draft.steps.filter(order=1).update(title="Changed title")
    draft.publish("v2")
    response = client.post(f"/admin/guides/guideversion/{published.pk}/restore/")
    assert response.status_code == 302
    restored = GuideVersion.objects.published().get()
    assert restored.number == 3
    assert restored.steps.get(order=1).title == "Open Settings & Privacy"
    assert restored.change_summary == "Restored the content of version 1."
    assert AuditEntry.objects.filter(action="restore", user=paul).exists()


def test_a_publisher_records_a_check_and_the_guide_shows_it(client, published, paul, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2026, 3, 1))
    login(client, paul)
    url = f"/admin/guides/guide/{published.guide.pk}/check/"
    assert client.post(url, {"checked_on": "2026-03-02"}).status_code == 400  # the future
    assert client.post(url, {"checked_on": "not a date"}).status_code == 400
    assert client.post(url, {"checked_on": "2026-02-20"}).status_code == 302
    assert AuditEntry.objects.filter(action="verify", user=paul).exists()
    page = client.get("/guides/linkedin/").content.decode()
    assert "Last checked against LinkedIn on" in page and "20 February 2026" in page
    assert "may be out of date" not in page
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2026, 6, 1))
    assert "These steps may be out of date" in client.get("/guides/linkedin/").content.decode()
    assert "The LinkedIn guide may be out of date" in client.get("/admin/").content.decode()


def test_a_draft_preview_renders_like_the_public_page_for_staff_only(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    draft.steps.filter(order=1).update(title="Preview me")
    url = f"/guides/linkedin/draft/{draft.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview me" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    from django.test import Client

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert "Preview me" not in Client().get("/guides/linkedin/").content.decode()


def test_the_markdown_preview_is_sanitised_and_staff_only(client, published, erin):
    url = "/admin/guides/guideversion/markdown-preview/"
    assert client.post(url, {"text": "x"}).status_code == 302  # to the login page
    login(client, erin)
    html = client.post(url, {"text": "**Off** <script>alert(1)</script>"}).json()["html"]
    assert "<strong>Off</strong>" in html and "<script" not in html
    assert client.post(url, {"text": "x" * 60_000}).status_code == 400


def test_bad_input_in_the_draft_form_is_a_form_error_never_a_500(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    data = change_form_data(client, draft)
    data[step_field(data, "Switch the toggle Off", "order")] = data[
        step_field(data, "Open Settings & Privacy", "order")
    ]
    data[step_field(data, "Open Settings & Privacy", "source_keys")] = "seed-000, seed-999"
    data[step_field(data, "Find the research setting", "link")] = "javascript:alert(1)"
    data["title"] = ""
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "has the same order number" in page
    assert "Unknown source(s): seed-999" in page
    assert "Enter a valid URL" in page
    assert "This field is required" in page
    assert Step.objects.filter(version=draft, link__startswith="javascript").count() == 0


def test_screenshots_are_checked_by_content_and_capped(client, published, erin, tmp_path, settings):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    data = change_form_data(client, draft)
    field = step_field(data, "Switch the toggle Off", "screenshot")
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    fake.name = "shot.png"
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", {**data, field: fake})
    assert response.status_code == 200
    assert "not a PNG, JPEG or WebP image" in response.content.decode()

    real = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(real, "PNG")
    real.seek(0)
    real.name = "shot.html"
    data = change_form_data(client, draft)
    data[step_field(data, "Switch the toggle Off", "screenshot_alt")] = "The toggle, off"
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", {**data, field: real})
    assert response.status_code == 302, response.content.decode()[:2000]
    step = draft.steps.get(title="Switch the toggle Off")
    assert re.fullmatch(r"screenshots/[0-9a-f]{32}\.png", step.screenshot.name)
    served = client.get(step.screenshot.url)
    assert served["Content-Type"] == "image/png"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert client.get("/media/screenshots/../../secret_key").status_code == 404


def test_groups_have_the_right_permissions(db):
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert "change_step" in editors and "publish_guideversion" not in editors
    assert publishers - editors == {"publish_guideversion", "verify_guide"}


def test_a_new_guide_is_not_stale_until_the_staleness_period_has_passed(
    client, published, monkeypatch
):
    added = published.guide.created_at.date()
    monkeypatch.setattr(clock, "today", lambda: added + datetime.timedelta(days=30))
    assert "may be out of date" not in client.get("/guides/linkedin/").content.decode()
    monkeypatch.setattr(clock, "today", lambda: added + datetime.timedelta(days=91))
    assert "These steps may be out of date" in client.get("/guides/linkedin/").content.decode()
