"""The editor's day in the admin: warnings on drafts, the diff before publishing, sources by
title, Publishers-only pages, making an editor, and an audit log that says what changed."""

import re

from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from optout.guides.models import AuditEntry, GuideVersion
from tests.conftest import change_form_data, login, start_draft, step_field


def test_a_draft_warns_at_once_when_another_draft_of_the_guide_is_open(client, published, erin):
    login(client, erin)
    first = start_draft(client, published.guide.pk)
    page = client.get(f"/admin/guides/guideversion/{first.pk}/change/").content.decode()
    assert "Another draft of this guide is open" not in page
    second = start_draft(client, published.guide.pk)
    page = client.get(f"/admin/guides/guideversion/{second.pk}/change/").content.decode()
    assert "Another draft of this guide is open" in page
    assert f'href="/admin/guides/guideversion/{first.pk}/change/"' in page


def test_a_draft_of_a_replaced_version_offers_a_fresh_draft_listing_its_changes(
    client, published, erin
):
    login(client, erin)
    stale = start_draft(client, published.guide.pk)
    step = stale.steps.get(order=2)
    step.body_md = "Set it to Off, and wait a minute."
    step.save()
    other = published.copy_as_draft()
    other.publish("Someone else published version 2")

    page = client.get(f"/admin/guides/guideversion/{stale.pk}/change/").content.decode()
    assert "This draft was started from version 1, but version 2 has been published since" in page
    assert f'action="/admin/guides/guideversion/{stale.pk}/refresh/"' in page
    # The offer is outside the draft's own form, so it never submits the draft's fields.
    assert page.index("/refresh/") < page.index('id="guideversion_form"')

    response = client.post(f"/admin/guides/guideversion/{stale.pk}/refresh/")
    fresh = GuideVersion.objects.drafts().latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/guides/guideversion/{fresh.pk}/change/"
    assert (fresh.based_on_number, fresh.replaces_draft) == (2, stale)
    page = client.get(response["Location"]).content.decode()
    assert "Changes to bring over from" in page
    assert 'Changed: <span lang="en">Switch the toggle Off' in page
    assert "<del>Off.</del> <ins>Off, and wait a minute.</ins>" in page
    assert "This draft was started from version" not in page
    assert GuideVersion.objects.filter(pk=stale.pk).exists()  # nothing is lost


def test_view_on_site_opens_a_drafts_preview(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    content_type = ContentType.objects.get_for_model(GuideVersion)
    response = client.get(f"/admin/r/{content_type.pk}/{draft.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/guides/linkedin/draft/{draft.pk}/")
    assert client.get(response["Location"]).status_code == 200
    page = client.get(f"/admin/guides/guideversion/{draft.pk}/change/").content.decode()
    assert f'href="/guides/linkedin/draft/{draft.pk}/" class="viewsitelink"' in page
    assert page.count("viewsitelink") == 1


def test_editors_opening_a_publishers_page_get_a_publishers_only_page(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    for url in (
        f"/admin/guides/guideversion/{draft.pk}/publish/",
        f"/admin/guides/guide/{published.guide.pk}/check/",
        f"/admin/guides/guideversion/{published.pk}/restore/",
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert "is for Publishers only" in page, url
        assert "optout editors" in page and 'id="user-tools"' in page  # the admin's layout


def test_the_publish_page_says_when_nothing_visitors_see_changed(client, published, paul):
    login(client, paul)
    draft = start_draft(client, published.guide.pk)
    page = client.get(f"/admin/guides/guideversion/{draft.pk}/publish/").content.decode()
    assert "Nothing visitors see differs from version 1" in page


def test_sources_are_chosen_from_a_list_of_titles_and_keep_their_order(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    page = client.get(f"/admin/guides/guideversion/{draft.pk}/change/").content.decode()
    assert re.search(
        r'<input type="checkbox" name="steps-0-source_keys" value="seed-003"[^>]*>\s*'
        r"LinkedIn will train AI on European data \(Unknown publisher, September 2025\)",
        page,
    )
    step = draft.steps.get(order=1)
    step.source_keys = ["seed-003", "seed-000"]
    step.save()
    data = change_form_data(client, draft, crlf=True)
    field = step_field(data, "Open Settings & Privacy", "source_keys")
    assert sorted(data[field]) == ["seed-000", "seed-003"]
    data[field] = ["seed-000", "seed-003"]  # the order the checkboxes are in
    assert client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data).status_code == 302
    assert draft.steps.get(order=1).source_keys == ["seed-003", "seed-000"]
    assert AuditEntry.objects.filter(version=draft, action="edit").latest("pk").detail == (
        "Saved the draft; nothing visitors see changed"
    )
    data = change_form_data(client, draft)
    data[field] = ["seed-003"]
    assert client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data).status_code == 302
    assert draft.steps.get(order=1).source_keys == ["seed-003"]


def test_the_audit_log_says_which_pieces_and_fields_a_save_changed(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    data = change_form_data(client, draft, crlf=True)
    data["summary"] = "Two settings and a form."
    answer = next(k for k, v in data.items() if k.endswith("-answer_md"))
    data[answer] = "No.\r\n\r\nIt only protects the future."
    assert client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data).status_code == 302
    entry = AuditEntry.objects.filter(version=draft, action="edit").latest("pk")
    assert entry.detail == (
        "Saved the draft: changed the guide's summary; "
        'changed FAQ entry "Does opting out undo past training?" (answer)'
    )
    guide_page = client.get(f"/admin/guides/guide/{published.guide.pk}/change/").content.decode()
    assert "changed the guide&#x27;s summary" in guide_page


def test_putting_someone_in_editors_in_the_user_admin_makes_them_staff(admin_client, db):
    from tests.conftest import ensure_roles

    ensure_roles()
    user = User.objects.create_user("nina", password="a-long-test-password")
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
    data = {
        "username": "nina",
        "first_name": "",
        "last_name": "",
        "email": "nina@example.org",
        "is_active": "on",
        "groups": [Group.objects.get(name="Editors").pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    assert 'name="groups"' in page
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", data, follow=True)
    assert response.status_code == 200
    assert "can now sign in to the admin" in response.content.decode()
    user.refresh_from_db()
    assert user.is_staff
    nina = Client()
    nina.force_login(user)
    assert nina.get("/admin/").status_code == 200


def test_the_start_page_lists_what_needs_attention_with_admin_buttons(client, published, erin):
    login(client, erin)
    draft = start_draft(client, published.guide.pk)
    page = client.get("/admin/").content.decode()
    assert 'id="attention"' in page
    assert (
        f'<a class="button default" href="/admin/guides/guideversion/{draft.pk}/change/">' in page
    )
    assert "<table" not in page.split('id="attention"')[1].split("</section>")[0]
