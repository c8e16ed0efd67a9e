import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from optout.checklists.models import Checklist, Item
from optout.guides.content import create_draft, read_folder, version_content
from optout.guides.models import GuideVersion
from tests.conftest import ensure_roles
from tests.factories import write_french
from tests.helpers import SAME_SITE


def test_backup_and_restore_round_trip_guides_versions_checklists_and_users(
    transactional_db, guide_folder, tmp_path
):
    write_french(guide_folder)  # translations are part of each version's content
    create_draft(read_folder(guide_folder)).publish("First", translated_summaries={"fr": "Un"})
    ensure_roles()
    create_draft(read_folder(guide_folder)).publish("Second", ["ai-training"])
    create_draft(read_folder(guide_folder))  # an open draft
    editor = User.objects.create_user("erin", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    visitor = Client()
    visitor.post("/checklist/linkedin/ai-training/", {"state": "done"}, **SAME_SITE)
    checklist = Checklist.objects.get()
    code = checklist.new_resume_code()
    before = {
        "versions": [
            (v.number, v.status, v.change_summary) for v in GuideVersion.objects.order_by("pk")
        ],
        "content": [version_content(v) for v in GuideVersion.objects.order_by("pk")],
        "items": list(Item.objects.values_list("control__key", "state", "version_number")),
    }

    call_command("backup", str(tmp_path / "backup.json"))
    with pytest.raises(CommandError, match="already holds guides"):
        call_command("restore", str(tmp_path / "backup.json"))
    call_command("restore", str(tmp_path / "backup.json"), "--replace")

    after = {
        "versions": [
            (v.number, v.status, v.change_summary) for v in GuideVersion.objects.order_by("pk")
        ],
        "content": [version_content(v) for v in GuideVersion.objects.order_by("pk")],
        "items": list(Item.objects.values_list("control__key", "state", "version_number")),
    }
    assert after == before
    assert before["content"][0]["translations"]["fr"]["steps"]
    assert "Un" in visitor.get("/fr/guides/linkedin/changes/").content.decode()
    assert User.objects.get(username="erin").groups.get().name == "Editors"
    assert (
        Group.objects.get(name="Publishers")
        .permissions.filter(codename="publish_guideversion")
        .exists()
    )
    # The visitor's cookie and resume code still work.
    assert "1 of 3 done" in visitor.get("/guides/linkedin/").content.decode()
    assert Checklist.for_code(code) is not None
    assert visitor.get("/checklist/export.json").status_code == 200


def test_restore_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nope.json"))


def test_the_generated_secret_key_is_backed_up_and_restored_into_a_new_data_folder(
    db, tmp_path, settings, monkeypatch, capsys
):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.SECRET_KEY = "the-key-this-site-generated-" + "g" * 30
    call_command("backup", str(tmp_path / "backup.json"))
    saved = tmp_path / "backup.json.secret_key"
    assert saved.read_text().strip() == settings.SECRET_KEY
    assert saved.stat().st_mode & 0o777 == 0o600
    assert "restore` puts it back" in capsys.readouterr().out

    # A new data folder generated a key of its own; restoring puts the old one back.
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-data-folder-key-" + "n" * 30
    settings.SECRET_KEY_FILE = tmp_path / "new-data" / "secret_key"
    settings.SECRET_KEY_FILE.parent.mkdir()
    settings.SECRET_KEY_FILE.write_text(settings.SECRET_KEY)
    call_command("restore", str(tmp_path / "backup.json"), "--replace")
    assert settings.SECRET_KEY_FILE.read_text() == old_key
    assert "Restart the app servers" in capsys.readouterr().out


def test_a_key_from_the_environment_is_not_written_and_must_match_on_restore(
    db, tmp_path, settings, monkeypatch, capsys
):
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)
    call_command("backup", str(tmp_path / "backup.json"))
    assert not (tmp_path / "backup.json.secret_key").exists()
    assert "restore with the same SECRET_KEY" in capsys.readouterr().out

    (tmp_path / "backup.json.secret_key").write_text("a-key-saved-by-an-older-backup")
    with pytest.raises(CommandError, match="SECRET_KEY is set to another one"):
        call_command("restore", str(tmp_path / "backup.json"), "--replace")
