import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from optout.guides.content import create_draft, read_folder, version_content
from optout.guides.models import GuideVersion


def test_export_import_publish_of_an_unchanged_folder_gives_identical_content(published, tmp_path):
    call_command("exportguide", "linkedin", str(tmp_path / "out"))
    call_command("importguide", str(tmp_path / "out"))
    call_command("publishguide", "linkedin", "--summary", "Round trip")
    first, second = GuideVersion.objects.order_by("number")
    assert second.number == 2
    assert version_content(second) == version_content(first)


def test_the_export_is_in_the_folder_format(published, guide_folder, tmp_path):
    call_command("exportguide", "linkedin", str(tmp_path / "out"))
    exported, written = read_folder(tmp_path / "out"), read_folder(guide_folder)
    # The folder names all four steps "step"; a step's name is its stable key, unique in its
    # version, so the second one onwards is exported as "step-2", "step-3"...
    assert [s.slug for s in exported.steps] == ["step", "step-2", "step-3", "step-4"]
    renamed = [
        s.model_copy(update={"slug": n.slug})
        for s, n in zip(written.steps, exported.steps, strict=True)
    ]
    assert exported == written.model_copy(update={"steps": renamed})
    step = (tmp_path / "out" / "steps" / "01-step.md").read_text()
    assert step.startswith(
        '---\norder: 1\ncontrol: ai-training\ntitle: "Open Settings & Privacy"\n'
    )
    assert step.endswith("---\nClick **Me**, then *Settings & Privacy*.\n")


def test_the_shipped_guide_round_trips(db, tmp_path):
    shipped = read_folder(settings.BASE_DIR / "content" / "linkedin")
    create_draft(shipped).publish("v1")
    call_command("exportguide", "linkedin", str(tmp_path / "out"))
    # release.yaml says what a shipped release brings: it belongs to the folder, not to a version.
    assert read_folder(tmp_path / "out") == shipped.model_copy(update={"release": None})


def test_exporting_an_unknown_guide_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no guide 'nope'"):
        call_command("exportguide", "nope", str(tmp_path))


def files_of(folder) -> dict[str, bytes]:
    """A folder's content files (not its release notes, which no version holds)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "release.yaml"
    }


def test_exporting_the_shipped_guide_reproduces_its_folder_file_for_file(db, tmp_path):
    shipped = settings.BASE_DIR / "content" / "linkedin"
    create_draft(read_folder(shipped)).publish("v1")
    call_command("exportguide", "linkedin", str(tmp_path / "out"))
    exported = files_of(tmp_path / "out")
    assert sorted(exported) == sorted(files_of(shipped))  # same names, none truncated
    for name, data in files_of(shipped).items():
        assert exported[name] == data, f"{name} differs: run manage.py formatguide"


def test_export_import_export_is_byte_identical_even_from_crlf_files(db, tmp_path):
    shipped = settings.BASE_DIR / "content" / "linkedin"
    create_draft(read_folder(shipped)).publish("v1")
    call_command("exportguide", "linkedin", str(tmp_path / "one"))
    for path in (tmp_path / "one").rglob("*"):
        if path.is_file():  # as a Windows editor would save them
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    call_command("importguide", str(tmp_path / "one"))
    call_command("exportguide", "linkedin", str(tmp_path / "two"), "--draft")
    assert files_of(tmp_path / "two") == files_of(shipped)


def test_formatguide_checks_and_rewrites_the_layout(tmp_path, guide_folder):
    with pytest.raises(CommandError, match="not in the exported layout"):
        call_command("formatguide", str(guide_folder), "--check")
    call_command("formatguide", str(guide_folder))
    call_command("formatguide", str(guide_folder), "--check")
