import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from optout.guides.models import GuideVersion, Step
from tests.factories import GUIDE, write_guide


def import_(folder):
    call_command("importguide", str(folder))


def test_it_imports_a_folder_as_a_draft_without_publishing(db, guide_folder, capsys):
    import_(guide_folder)
    version = GuideVersion.objects.get()
    assert version.is_draft
    assert version.steps.count() == 4
    assert version.faq_entries.count() == 1
    assert version.region_rules.count() == 3
    assert "as a new draft" in capsys.readouterr().out


def rewrite_step(folder, old, new):
    path = folder / "steps" / "02-step.md"
    path.write_text(path.read_text().replace(old, new))


@pytest.mark.parametrize(
    ("break_it", "file", "field"),
    [
        (lambda f: rewrite_step(f, "control: ai-training", "control: ai-dreams"), "steps/02-step.md", "control"),
        (lambda f: rewrite_step(f, "title: Switch the toggle Off\n", ""), "steps/02-step.md", "title"),
        (lambda f: rewrite_step(f, "title: Switch the toggle Off", "title: [broken"), "steps/02-step.md", "YAML"),
        (lambda f: rewrite_step(f, "---\norder", "order"), "steps/02-step.md", "front matter"),
        (lambda f: rewrite_step(f, "order: 2", "order: 1"), "steps/02-step.md", "order"),
        (lambda f: rewrite_step(f, "- seed-000", "- seed-999"), "steps/02-step.md", "sources"),
        (lambda f: rewrite_step(f, "Set it to Off.", ""), "steps/02-step.md", "body"),
        (lambda f: rewrite_step(f, "sources:", "colour: blue\nsources:"), "steps/02-step.md", "colour"),
        (lambda f: (f / "guide.yaml").write_text("slug: [nope"), "guide.yaml", "YAML"),
    ],
    ids=["unknown control", "missing title", "broken yaml", "no front matter",
         "duplicate order", "unknown source", "empty body", "unknown field", "broken guide.yaml"],
)  # fmt: skip
def test_bad_files_get_a_clear_error_naming_file_and_field_and_change_nothing(
    db, guide_folder, break_it, file, field
):
    import_(guide_folder)
    before = (GuideVersion.objects.count(), Step.objects.count())
    break_it(guide_folder)
    with pytest.raises(CommandError) as error:
        import_(guide_folder)
    message = str(error.value)
    assert f"{file}: {field}" in message
    assert "nothing changed" in message
    assert (GuideVersion.objects.count(), Step.objects.count()) == before


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"starts": "2025-01-01"}, "region_rules[3].starts: overlaps region_rules[1]"),
        ({"region": "mars"}, "region_rules[3].region: must be one of 'eu', 'uk'"),
    ],
)
def test_it_rejects_overlapping_region_rules_and_bad_regions(db, tmp_path, rule, message):
    rules = [*GUIDE["region_rules"], {**GUIDE["region_rules"][1], **rule}]
    guide = json.loads(json.dumps({**GUIDE, "region_rules": rules}))  # YAML without aliases
    with pytest.raises(CommandError) as error:
        import_(write_guide(tmp_path / "g", guide=guide))
    assert f"guide.yaml: {message}" in str(error.value)
    assert not GuideVersion.objects.exists()


def test_a_folder_that_is_not_a_guide_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match=r"guide\.yaml: is missing"):
        import_(tmp_path)


def test_publishguide_publishes_the_newest_draft(db, guide_folder):
    import_(guide_folder)
    call_command("publishguide", "linkedin", "--summary", "First", "--recheck", "ai-training")
    version = GuideVersion.objects.get()
    assert (version.number, version.change_summary) == (1, "First")
    assert version.recheck_controls == ["ai-training"]


def test_publishguide_refuses_bad_input(db, guide_folder):
    with pytest.raises(CommandError, match="no draft"):
        call_command("publishguide", "linkedin", "--summary", "x")
    import_(guide_folder)
    with pytest.raises(CommandError, match="Unknown control"):
        call_command("publishguide", "linkedin", "--summary", "x", "--recheck", "nope")
    with pytest.raises(CommandError, match="must say what changed"):
        call_command("publishguide", "linkedin", "--summary", " ")
    assert GuideVersion.objects.get().is_draft


def test_installguides_loads_the_shipped_guide_once_and_never_overwrites(db, settings, tmp_path):
    settings.CONTENT_DIR = tmp_path
    shutil.copytree(settings.BASE_DIR / "content" / "linkedin", tmp_path / "linkedin")
    call_command("installguides")
    version = GuideVersion.objects.get()
    assert version.number == 1
    # An editor publishes a fix; the next start must leave it alone.
    fix = GuideVersion.objects.create(guide=version.guide, title="Fixed", summary="s", intro_md="i")
    fix.publish("Editor's fix")
    call_command("installguides")
    assert list(GuideVersion.objects.published().values_list("title", flat=True)) == ["Fixed"]
    # The shipped files wait as a draft for the editors, once, however often the site starts.
    call_command("installguides")
    assert GuideVersion.objects.count() == 3
    assert GuideVersion.objects.drafts().count() == 1
