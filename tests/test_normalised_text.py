"""Text is normalised once, where it enters the models: an edit changes only what was edited."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from optout.guides import diff
from optout.guides.content import create_draft, read_folder
from optout.guides.markdown import render
from optout.guides.models import AuditEntry, GuideVersion, Translation
from optout.guides.shipped import install_or_update
from optout.guides.text import normalize
from optout.guides.translation import counts
from tests.conftest import change_form_data, login, start_draft, step_field
from tests.factories import write_french, write_guide


def test_line_endings_and_trailing_whitespace_have_one_normal_form():
    assert normalize("One\r\nTwo\rThree  \n\n  ") == "One\nTwo\nThree"
    assert normalize("  Title \t") == "Title"
    assert normalize(None) is None


def test_a_markdown_hard_break_keeps_rendering_the_same():
    text = "First line  \r\nsecond line\r\n\r\n# Heading  \r\n\r\n```\r\ncode  \r\n```"
    normal = normalize(text, markdown=True)
    assert normal == "First line\\\nsecond line\n\n# Heading\n\n```\ncode\n```"
    # The same HTML, but for the trailing spaces inside the code block, which nobody sees.
    assert render(normal) == render(text.replace("\r\n", "\n").replace("code  ", "code"))
    assert "<br" in render(normal)


def test_the_model_api_stores_every_text_and_markdown_field_in_normal_form(draft):
    step = draft.steps.get(order=2)
    step.title = "Switch it Off \t"
    step.body_md = "Set it to Off.\r\n\r\nThen check.  \r\n"
    step.note = "A note.\r\nOn two lines. "
    step.save()
    step.refresh_from_db()
    assert (step.title, step.body_md, step.note) == (
        "Switch it Off",
        "Set it to Off.\n\nThen check.",
        "A note.\nOn two lines.",
    )
    assert step.body_html == "<p>Set it to Off.</p>\n<p>Then check.</p>"
    draft.intro_md = "Line one\r\nLine two\r\n"
    draft.save()
    draft.refresh_from_db()
    assert draft.intro_md == "Line one\nLine two"
    section = draft.sections.first()
    section.summary = "Switch it off.\r\nNow."
    section.save()
    assert draft.sections.get(pk=section.pk).summary == "Switch it off.\nNow."
    step.full_clean()  # clean_fields normalises as well
    draft.publish("Summary\r\non two lines ")
    assert GuideVersion.objects.get(pk=draft.pk).change_summary == "Summary\non two lines"


def test_a_guide_folder_with_crlf_files_imports_the_same_text(db, tmp_path):
    plain = create_draft(read_folder(write_guide(tmp_path / "lf")))
    crlf = write_guide(tmp_path / "crlf")
    for path in crlf.rglob("*.md"):
        text = path.read_text().replace("\n", "  \r\n")
        path.write_bytes(text.replace("Set it to Off.", "Set it\r\nto Off.").encode())
    (crlf / "guide.yaml").write_bytes((crlf / "guide.yaml").read_bytes().replace(b"\n", b"\r\n"))
    imported = create_draft(read_folder(crlf))
    assert imported.steps.get(order=2).body_md == "Set it\nto Off."
    old, new = diff.snapshot(plain), diff.snapshot(imported)
    assert [s["body"] for s in old["steps"]] != [s["body"] for s in new["steps"]]
    new["steps"][1]["body"] = old["steps"][1]["body"]
    assert old == new


def test_translations_compare_their_english_in_normal_form(db, guide_folder):
    write_french(guide_folder)
    version = create_draft(read_folder(guide_folder))
    translation = version.translations.get(kind="step")
    translation.text = {"body_md": "Mettez-le\r\nsur Off. "}
    translation.save()
    assert translation.text == {"body_md": "Mettez-le\nsur Off."}
    Translation.objects.filter(pk=translation.pk).update(
        source={"title": "Switch the toggle Off", "body_md": "Set it to Off.\r\n"}
    )
    translation.refresh_from_db()
    assert not translation.is_outdated(version.steps.get(order=2))


@pytest.fixture
def shipped(db, settings):
    """The shipped LinkedIn guide (multi-line Markdown, French and German), published."""
    return install_or_update(settings.BASE_DIR / "content" / "linkedin").version


def test_resubmitting_a_draft_as_a_browser_does_changes_nothing(client, shipped, erin):
    login(client, erin)
    draft = start_draft(client, shipped.guide.pk)
    data = change_form_data(client, draft, crlf=True)
    assert sum("\r\n" in value for value in data.values() if isinstance(value, str)) > 10
    response = client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert diff.diff(diff.snapshot(shipped), diff.snapshot(draft), [])["count"] == 0
    assert counts(draft) == counts(shipped)
    assert all(outdated == 0 for _total, outdated in counts(draft).values())
    entry = AuditEntry.objects.filter(action="edit", version=draft).latest("pk")
    assert entry.detail == "Saved the draft; nothing visitors see changed"


def test_one_sentence_added_in_the_admin_changes_exactly_that_step(client, shipped, erin, paul):
    login(client, erin)
    draft = start_draft(client, shipped.guide.pk)
    data = change_form_data(client, draft, crlf=True)
    body = step_field(data, "Switch the toggle to Off", "body_md")
    data[body] = data[body].replace(
        "before you leave the page.", "before you leave the page. It may take a moment."
    )
    assert client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data).status_code == 302
    entry = AuditEntry.objects.filter(action="edit", version=draft).latest("pk")
    assert entry.detail == 'Saved the draft: changed step "Switch the toggle to Off" (text)'

    publisher = login(Client(), paul)
    page = publisher.get(f"/admin/guides/guideversion/{draft.pk}/publish/").content.decode()
    assert page.count('<li class="change-') == 1
    assert "<ins>It may take a moment.</ins>" in page
    assert page.index("<ins>It may take a moment.</ins>") < page.index('value="Publish"')
    response = publisher.post(
        f"/admin/guides/guideversion/{draft.pk}/publish/",
        {"summary": "Step 3 says it may take a moment.", "recheck": ["ai-training"]},
    )
    assert response.status_code == 302

    old = Client().get("/guides/linkedin/v/1.json").json()
    new = Client().get("/guides/linkedin/v/2.json").json()
    for part in ("steps", "faq", "controls", "region_rules", "sources"):
        changed = [i for i, (a, b) in enumerate(zip(old[part], new[part], strict=True)) if a != b]
        assert changed == ([2] if part == "steps" else []), part
    for field in ("title", "summary", "intro", "translations"):
        assert old[field] == new[field], field
    change_page = Client().get("/guides/linkedin/changes/2/").content.decode()
    assert change_page.count('<li class="change-') == 1
    assert 'Changed: <span lang="en">Switch the toggle to Off' in change_page
    after = counts(GuideVersion.objects.get(pk=draft.pk))
    assert {language: outdated for language, (_total, outdated) in after.items()} == {
        "fr": 1,
        "de": 1,
    }


def test_the_data_migration_normalises_stored_text_without_new_versions(db, guide_folder):
    write_french(guide_folder)
    french = create_draft(read_folder(guide_folder))
    french.publish("First version.")
    migration = importlib.import_module("optout.guides.migrations.0005_normalise_stored_text")
    step = french.steps.get(order=2)
    with connection.cursor() as cursor:  # as older code stored it (the models would normalise)
        cursor.execute(
            "UPDATE guides_step SET body_md = %s, title = %s WHERE id = %s",
            ["Set it  \r\nto Off.\r\n", "Switch \r\n", step.pk],
        )
        cursor.execute(
            "UPDATE guides_guideversion SET intro_md = %s WHERE id = %s",
            ["LinkedIn switches this\r\n**on**.", french.pk],
        )
    Translation.objects.filter(version=french, kind="step").update(
        source={"title": "Switch", "body_md": "Set it\\\r\nto Off."}
    )
    before = list(GuideVersion.objects.values_list("pk", "number", "status", "published_at"))

    migration.normalise_stored_text(apps, None)

    assert list(GuideVersion.objects.values_list("pk", "number", "status", "published_at")) == (
        before
    )
    step.refresh_from_db()
    assert (step.title, step.body_md) == ("Switch", "Set it\\\nto Off.")
    assert step.body_html == "<p>Set it<br>\nto Off.</p>"
    french.refresh_from_db()
    assert french.intro_md == "LinkedIn switches this\n**on**."
    assert "\r" not in french.intro_html
    translation = Translation.objects.get(version=french, kind="step")
    assert translation.source["body_md"] == "Set it\\\nto Off."
    assert not translation.is_outdated(step)
