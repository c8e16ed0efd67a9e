"""Guide content in French and German: import, export, fallback and freshness."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from optout.guides.content import ContentError, create_draft, read_folder, version_content
from optout.guides.models import AuditEntry, GuideVersion, Translation
from tests.factories import STEPS, write_french, write_guide
from tests.helpers import SAME_SITE


@pytest.fixture
def french(db, guide_folder):
    write_french(guide_folder)
    version = create_draft(read_folder(guide_folder))
    version.publish("First version.")
    return version


def test_a_folder_with_translations_imports_them_for_each_piece(french):
    kinds = sorted(french.translations.values_list("language", "kind"))
    assert kinds == [
        ("fr", "faq"),
        ("fr", "rule"),
        ("fr", "section"),
        ("fr", "step"),
        ("fr", "version"),
    ]
    step = french.translations.get(kind="step")
    assert step.text == {"title": "Désactivez le bouton", "body_md": "Mettez-le sur Off."}
    assert step.source == {"title": "Switch the toggle Off", "body_md": "Set it to Off."}


def test_the_french_page_shows_translations_and_says_where_it_falls_back(client, french):
    page = client.get("/fr/guides/linkedin/?region=eu").content.decode()
    assert '<html lang="fr">' in page
    assert "Empêcher LinkedIn d&#x27;entraîner son IA avec vos données" in page
    assert "Désactivez le bouton" in page and "Mettez-le sur Off." in page
    assert "Pas encore dans l&#x27;UE." in page
    assert "Non. Cela protège seulement l'avenir." in page
    # Step 1 has no French: it is shown in English, marked as English, with a note in French.
    assert '<h3 lang="en">Open Settings &amp; Privacy</h3>' in page
    # Steps 1, 3 and 4 and two controls have no French; the intro and one control's name are
    # not translated in pieces that are otherwise French.
    assert page.count("Pas encore traduit") == 5
    assert page.count("Certaines parties ne sont pas encore traduites") == 2
    assert '<div class="prose" lang="en"><p>LinkedIn switches this' in page
    assert '<span lang="en">Data for Generative AI Improvement</span>' in page
    assert '<p class="control-summary">Désactivez-le.</p>' in page


def test_the_english_page_is_untouched_by_translations(client, french):
    page = client.get("/guides/linkedin/").content.decode()
    assert "Switch the toggle Off" in page and "Désactivez" not in page
    assert "translation-note" not in page


def test_german_has_no_translation_so_the_page_says_it_is_in_english(client, french):
    page = client.get("/de/guides/linkedin/").content.decode()
    assert '<html lang="de">' in page
    assert "Switch the toggle Off" in page
    assert "translation-notice" in page and "Deutsch" in page


def test_a_new_english_step_marks_its_translation_outdated_but_keeps_it(
    client, french, guide_folder
):
    steps = list(STEPS)
    steps[1] = ("ai-training", "Switch the toggle Off", "Set the toggle to Off and wait.")
    write_guide(guide_folder, steps=steps)  # the French files still record the old English
    second = create_draft(read_folder(guide_folder))
    second.publish("Reworded step 2")
    step = second.translations.get(kind="step")
    assert step.is_outdated(second.steps.get(order=2))
    page = client.get("/fr/guides/linkedin/").content.decode()
    assert "Mettez-le sur Off." in page  # still shown, not deleted
    assert 'href="/guides/linkedin/#step-2" hreflang="en"' in page
    # Only that step is outdated.
    assert page.count('#step-2" hreflang') == 1
    assert page.count("#step-") == 1


def test_a_draft_copied_from_a_version_keeps_its_translations(french):
    draft = french.copy_as_draft()
    assert draft.translations.count() == french.translations.count()
    step = draft.translations.get(kind="step")
    assert step.object_id == draft.steps.get(order=2).pk
    assert not step.is_outdated(draft.steps.get(order=2))


def test_export_writes_one_file_per_step_and_language_and_round_trips(french, tmp_path):
    call_command("exportguide", "linkedin", str(tmp_path / "out"))
    out = tmp_path / "out"
    assert (out / "guide.fr.yaml").is_file()
    # The folder names every step "step"; names are unique within a version, so the
    # second step is exported as "step-2".
    text = (out / "steps" / "02-step-2.fr.md").read_text()
    assert text.startswith('---\ntitle: "Désactivez le bouton"\nenglish:\n  title: "Switch the')
    assert text.endswith("---\nMettez-le sur Off.\n")
    assert sorted(p.name for p in (out / "steps").glob("*.fr.md")) == ["02-step-2.fr.md"]
    output = io.StringIO()
    call_command("importguide", str(out), stdout=output)
    assert "Translations into fr: 5 pieces, 0 outdated" in output.getvalue()
    again = GuideVersion.objects.drafts().get()
    assert version_content(again) == version_content(french)
    assert version_content(again)["translations"]["fr"]["steps"][0]["order"] == 2


def test_outdated_translations_round_trip_as_outdated(french, guide_folder, tmp_path):
    steps = list(STEPS)
    steps[1] = ("ai-training", "Switch the toggle Off", "Set the toggle to Off and wait.")
    write_guide(guide_folder, steps=steps)
    second = create_draft(read_folder(guide_folder))
    call_command("exportguide", "linkedin", str(tmp_path / "out"), "--draft")
    third = create_draft(read_folder(tmp_path / "out"))
    step = third.translations.get(kind="step")
    assert step.is_outdated(third.steps.get(order=2))
    assert version_content(third)["translations"] == version_content(second)["translations"]


def rewrite(path, old, new):
    path.write_text(path.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("break_it", "file", "field"),
    [
        (lambda f: shutil.copy(f / "guide.fr.yaml", f / "guide.es.yaml"), "guide.es.yaml", "file"),
        (lambda f: shutil.copy(f / "steps/02-step.fr.md", f / "steps/09-step.fr.md"), "steps/09-step.fr.md", "file"),
        (lambda f: rewrite(f / "steps/02-step.fr.md", "english:", "colour: blue\nenglish:"), "steps/02-step.fr.md", "colour"),
        (lambda f: rewrite(f / "steps/02-step.fr.md", "english:", "note: Une note\nenglish:"), "steps/02-step.fr.md", "note"),
        (lambda f: rewrite(f / "steps/02-step.fr.md", "english:\n", "old_english:\n"), "steps/02-step.fr.md", "english"),
        (lambda f: rewrite(f / "steps/02-step.fr.md", "title: Désactivez le bouton", "title: ''"), "steps/02-step.fr.md", "title"),
        (lambda f: rewrite(f / "guide.fr.yaml", "region: eu", "region: us"), "guide.fr.yaml", "region_rules[0]"),
        (lambda f: rewrite(f / "guide.fr.yaml", "  ai-training:", "  ai-dreams:"), "guide.fr.yaml", "controls.ai-dreams"),
        (lambda f: rewrite(f / "faq/01-faq.fr.md", "question:", "question: [broken"), "faq/01-faq.fr.md", "YAML"),
    ],
    ids=["unknown language", "no English file", "unknown field", "nothing to translate",
         "no english record", "empty title", "no such rule", "no such control", "broken yaml"],
)  # fmt: skip
def test_bad_translation_files_get_a_clear_error_and_change_nothing(
    db, guide_folder, break_it, file, field
):
    write_french(guide_folder)
    break_it(guide_folder)
    with pytest.raises(ContentError) as error:
        read_folder(guide_folder)
    assert f"{file}: {field}" in str(error.value)
    with pytest.raises(CommandError, match="nothing changed"):
        call_command("importguide", str(guide_folder))
    assert not GuideVersion.objects.exists() and not Translation.objects.exists()


def test_the_shipped_guide_is_translated_into_french_and_german_completely(db, settings):
    shipped = read_folder(settings.BASE_DIR / "content" / "linkedin")
    content = shipped.model_dump()
    for language in ("fr", "de"):
        found = content["translations"][language]
        assert found["guide"]["english"] == {k: content[k] for k in ("title", "summary", "intro")}
        assert len(found["steps"]) == len(content["steps"])
        assert len(found["faq"]) == len(content["faq"])
        assert len(found["controls"]) == len(content["controls"])
        assert len(found["region_rules"]) == sum(1 for r in content["region_rules"] if r["note"])
        version = create_draft(shipped)
        pieces = {(t.kind, t.object_id): t for t in version.translations.filter(language=language)}
        for step in version.steps.all():
            translation = pieces[("step", step.pk)]
            assert not translation.is_outdated(step), (language, step.order)
            assert translation.text["title"] != step.title
        version.delete()


@pytest.fixture
def outdated(french, guide_folder):
    """Version 2 rewords step 2's English; its French translation is kept, now outdated."""
    steps = list(STEPS)
    steps[1] = ("ai-training", "Switch the toggle Off", "Set the toggle to Off and wait.")
    write_guide(guide_folder, steps=steps)
    second = create_draft(read_folder(guide_folder))
    second.publish("Reworded step 2")
    return second


@pytest.fixture
def editor(client, erin):
    """Erin's browser, signed in to the admin."""
    client.force_login(erin)
    return client


def test_editors_see_outdated_translations_with_the_english_diff(editor, outdated):
    guide_page = editor.get(f"/admin/guides/guide/{outdated.guide.pk}/change/").content.decode()
    assert "<strong>1 outdated</strong>" in guide_page
    url = f"/admin/guides/guideversion/{outdated.pk}/translations/"
    assert f'href="{url}?state=outdated"' in guide_page
    page = editor.get(url + "?state=outdated").content.decode()
    assert "Step 2: Switch the toggle Off" in page
    assert "<ins>the toggle</ins>" in page and "<del>it</del>" in page
    assert "Mettez-le sur Off." in page  # the translation to bring up to date
    assert "Désactivez le bouton" not in page  # the title did not change: not listed
    assert "published and never changes" in page  # edits happen in a draft
    assert page.count('<tr class="state-') == 1


def test_editors_update_an_outdated_translation_in_a_draft(editor, outdated):
    editor.post(f"/admin/guides/guide/{outdated.guide.pk}/start-draft/")
    draft = GuideVersion.objects.drafts().get()
    step = draft.steps.get(order=2)
    url = f"/admin/guides/guideversion/{draft.pk}/translations/fr/step/{step.pk}/"
    page = editor.get(url).content.decode()
    assert "The English changed since this was translated." in page
    assert "<ins>the toggle</ins>" in page
    assert 'lang="fr"' in page and "Mettez-le sur Off." in page
    response = editor.post(
        url, {"title": "Désactivez le bouton", "body_md": "Mettez le bouton sur Off et patientez."}
    )
    assert response.status_code == 302
    translation = draft.translations.get(kind="step", language="fr")
    assert not translation.is_outdated(step)
    assert translation.text["body_md"] == "Mettez le bouton sur Off et patientez."
    listing = editor.get(f"/admin/guides/guideversion/{draft.pk}/translations/").content.decode()
    assert "<strong>Outdated</strong>" not in listing and "Up to date" in listing
    assert AuditEntry.objects.filter(
        version=draft, detail__contains="French translation of Step 2"
    ).exists()
    # The published version is untouched: visitors still see the outdated note until publishing.
    assert outdated.translations.get(kind="step", language="fr").is_outdated(
        outdated.steps.get(order=2)
    )


def test_translation_edits_with_bad_input_keep_what_was_typed_and_save_nothing(editor, outdated):
    editor.post(f"/admin/guides/guide/{outdated.guide.pk}/start-draft/")
    draft = GuideVersion.objects.drafts().get()
    step = draft.steps.get(order=2)
    url = f"/admin/guides/guideversion/{draft.pk}/translations/fr/step/{step.pk}/"
    response = editor.post(url, {"title": "x" * 301, "body_md": "Gardé."})
    assert response.status_code == 400
    assert "Gardé." in response.content.decode()
    assert draft.translations.get(kind="step").text["body_md"] == "Mettez-le sur Off."
    response = editor.post(url, {"title": "Titre", "body_md": "Mettez-le sur <i>Off</i>."})
    assert response.status_code == 400
    assert "This text contains raw HTML (&lt;i&gt;, &lt;/i&gt;)" in response.content.decode()
    assert draft.translations.get(kind="step").text["body_md"] == "Mettez-le sur Off."
    assert editor.get(url.replace("/fr/", "/es/")).status_code == 404
    assert editor.get(url.replace(f"/{step.pk}/", "/999999/")).status_code == 404
    # Emptying every field removes the translation: visitors see the English again.
    assert editor.post(url, {"title": "", "body_md": ""}).status_code == 302
    assert not draft.translations.filter(kind="step").exists()


def test_published_translations_cannot_be_edited(editor, outdated):
    step = outdated.steps.get(order=2)
    url = f"/admin/guides/guideversion/{outdated.pk}/translations/fr/step/{step.pk}/"
    response = editor.post(url, {"title": "Autre", "body_md": "Autre."})
    assert response.status_code == 302
    assert outdated.translations.get(kind="step").text["title"] == "Désactivez le bouton"


def test_publishing_with_a_translated_change_summary(editor, french, client):
    from django.contrib.auth.models import Group

    user = editor.get("/admin/").wsgi_request.user
    user.groups.add(Group.objects.get(name="Publishers"))
    editor.post(f"/admin/guides/guide/{french.guide.pk}/start-draft/")
    draft = GuideVersion.objects.drafts().get()
    page = editor.get(f"/admin/guides/guideversion/{draft.pk}/publish/").content.decode()
    assert "What changed, in French" in page and "What changed, in German" in page
    response = editor.post(
        f"/admin/guides/guideversion/{draft.pk}/publish/",
        {"summary": "Clearer wording.", "summary_fr": "Formulation plus claire.", "summary_de": ""},
    )
    assert response.status_code == 302
    assert "Formulation plus claire." in client.get("/fr/guides/linkedin/changes/").content.decode()
    german = client.get("/de/guides/linkedin/changes/").content.decode()
    assert "Clearer wording." in german


def test_the_json_of_a_version_carries_its_translations(client, outdated):
    data = client.get("/guides/linkedin.json").json()
    assert data["steps"][1]["body"] == "Set the toggle to Off and wait."  # English, the source
    step = data["translations"]["fr"]["steps"][0]
    assert step == {
        "order": 2,
        "text": {"title": "Désactivez le bouton", "body": "Mettez-le sur Off."},
        "english": {"title": "Switch the toggle Off", "body": "Set it to Off."},
    }
    assert data["translations"]["fr"]["guide"]["text"]["summary"] == "Trois réglages à désactiver."


def test_listings_mark_what_is_still_in_english(client, french):
    home = client.get("/de/").content.decode()
    assert 'lang="en">Stop LinkedIn from training AI on your data</a>' in home
    assert "Empêcher LinkedIn" in client.get("/fr/").content.decode()
    client.post("/de/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    checklist = client.get("/de/checklist/").content.decode()
    assert 'lang="en">Data for Generative AI Improvement</a>' in checklist
