"""importguide on hostile or careless guide folders: a clear error naming file and field, or a
clean import; never a traceback, a hang, a read outside the folder or a partial draft."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from optout.guides.models import GuideVersion, Step, Translation
from tests.factories import write_french, write_guide

STEP = Path("steps") / "02-step.md"


def refused(folder) -> str:
    """importguide's error for a folder it must refuse; checks that nothing was written."""
    before = (GuideVersion.objects.count(), Step.objects.count(), Translation.objects.count())
    with pytest.raises(CommandError) as error:
        call_command("importguide", str(folder))
    after = (GuideVersion.objects.count(), Step.objects.count(), Translation.objects.count())
    assert after == before
    message = str(error.value)
    assert "was not imported; nothing changed." in message
    return message


def set_front(folder: Path, rel: Path, text: str) -> None:
    """Replace the front matter of a step file, keeping its body."""
    path = folder / rel
    body = path.read_text().split("---\n", 2)[2]
    path.write_text(f"---\n{text}---\n{body}")


def run_importguide(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The real command in its own process, with a memory cap and a time limit, for cases
    that used to hang or exhaust memory (a regression must fail the test, not the machine)."""

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024,) * 2)

    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}",
        "SECRET_KEY": "test",
        "DJANGO_SETTINGS_MODULE": "optout.settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "importguide", str(folder)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limits,  # sets the memory cap in the child only
        check=False,
    )


# The cases of the issue, one by one.


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: [a, b]\nsources: [seed-000]\n", "title: must be text, not a list"),
        ("title: T\nsources: [[seed-000]]\n", "sources[0]: must be text, not a list"),
        ("title: T\nsources: [{key: seed-000}]\n", "sources[0]: must be text, not a mapping"),
    ],
)
def test_a_list_where_text_belongs_is_refused(db, guide_folder, front, message):
    set_front(guide_folder, STEP, f"order: 2\ncontrol: ai-training\n{front}")
    assert f"steps/02-step.md: {message}" in refused(guide_folder)


def test_keys_mixing_numbers_and_text_are_refused(db, guide_folder):
    set_front(
        guide_folder,
        STEP,
        "order: 2\n1: one\ncontrol: ai-training\ntitle: T\nsources: [seed-000]\n",
    )
    message = refused(guide_folder)
    assert "steps/02-step.md: YAML: cannot be read (line 3): keys must be text; 1 is int" in message


def test_a_deeply_nested_value_is_refused(db, guide_folder):
    deep = "[" * 5000 + "]" * 5000
    set_front(
        guide_folder, STEP, f"order: 2\ncontrol: ai-training\ntitle: {deep}\nsources: [seed-000]\n"
    )
    assert "steps/02-step.md: YAML: cannot be read (line 4): is nested deeper than 8 levels" in (
        refused(guide_folder)
    )


BOMB = """order: 2
control: ai-training
title: Bomb
a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
sources: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_yaml_anchors_that_expand_to_gigabytes_are_refused_at_once(guide_folder, tmp_path):
    set_front(guide_folder, STEP, BOMB)
    result = run_importguide(guide_folder, tmp_path)
    assert result.returncode == 1
    assert "steps/02-step.md: YAML: cannot be read (line 5): YAML anchors and aliases" in (
        result.stderr
    )
    assert "nothing changed" in result.stderr


def test_a_symlink_to_a_file_outside_the_folder_is_not_read(db, guide_folder, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\norder: 9\ncontrol: ai-training\ntitle: Secret\nsources: [seed-000]\n"
                      "---\nThe content of a file outside the folder.\n")  # fmt: skip
    (guide_folder / "steps" / "09-secret.md").symlink_to(secret)
    message = refused(guide_folder)
    assert (
        "steps/09-secret.md: file: is a symbolic link: a guide folder holds only regular files"
        in message
    )
    assert not Step.objects.filter(title="Secret").exists()


def test_a_symlink_to_dev_zero_is_refused_without_reading_it(guide_folder, tmp_path):
    (guide_folder / "steps" / "09-zero.md").symlink_to("/dev/zero")
    result = run_importguide(guide_folder, tmp_path)
    assert result.returncode == 1
    assert "steps/09-zero.md: file: is a symbolic link" in result.stderr


def test_a_named_pipe_as_a_step_file_is_refused_without_waiting(guide_folder, tmp_path):
    os.mkfifo(guide_folder / "steps" / "09-pipe.md")
    result = run_importguide(guide_folder, tmp_path)
    assert result.returncode == 1
    assert "steps/09-pipe.md: file: is a named pipe: a guide folder holds only regular files" in (
        result.stderr
    )


def test_a_200_mb_step_body_is_refused_without_reading_it(guide_folder, tmp_path):
    path = guide_folder / "steps" / "09-huge.md"
    path.write_text("---\norder: 9\ncontrol: ai-training\ntitle: Huge\nsources: [seed-000]\n---\n")
    with path.open("r+b") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: takes no disk space
    result = run_importguide(guide_folder, tmp_path)
    assert result.returncode == 1
    assert (
        "steps/09-huge.md: file: is 200 MB; a file of a guide folder may be at most 256 KB"
        in result.stderr
    )


def test_a_folder_over_the_total_limit_is_refused(db, guide_folder):
    for i in range(20):
        (guide_folder / "faq" / f"{i + 10}-big.md").write_text(
            f"---\norder: {i + 10}\nquestion: Q{i}\nsources: [seed-000]\n---\n" + "x" * 250_000
        )
    assert "the limit for a guide folder" in refused(guide_folder)


def test_a_value_the_database_cannot_hold_is_refused_before_anything_is_written(db, guide_folder):
    set_front(
        guide_folder,
        STEP,
        f"order: 2\ncontrol: ai-training\ntitle: {'T' * 201}\nsources: [seed-000]\n",
    )
    assert "steps/02-step.md: title: is longer than 200 characters" in refused(guide_folder)


def test_a_failure_while_storing_leaves_no_partial_draft(db, guide_folder, monkeypatch):
    write_french(guide_folder)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Translation.objects, "create", broken)
    with pytest.raises(RuntimeError):
        call_command("importguide", str(guide_folder))
    assert not GuideVersion.objects.exists() and not Step.objects.exists()


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("order: 2\ncontrol: ai-training\ntitle: T\nsources: [seed-000]\n", None),
        ("order: '2'\ncontrol: ai-training\ntitle: T\nsources: [seed-000]\n", "order: must be a whole number, not text"),
        ("order: true\ncontrol: ai-training\ntitle: T\nsources: [seed-000]\n", "order: must be a whole number, not true/false"),
        ("order: 2\ncontrol: ai-training\ntitle: !!python/object:os.system ls\nsources: [seed-000]\n", "YAML: cannot be read (line 4): YAML tags (tag:yaml.org,2002:python/object:os.system) are not allowed"),
        ("order: 2\ncontrol: ai-training\ntitle: T\ntitle: U\nsources: [seed-000]\n", "YAML: cannot be read (line 5): the key 'title' appears twice"),
        ("order: 2\ncontrol: ai-training\ntitle: T\nsources: seed-000\n", "sources: must be a list, not text"),
        ("order: 2\ncontrol: ai-training\ntitle: T\n", "sources: is missing"),
        ("order: 2\ncontrol: ai-training\ntitle: T\nsources: [seed-000]\nslug: other\n", "slug: is not a known field"),
        ("- a list\n", "fields: must be a mapping of fields, not a list"),
    ],
)  # fmt: skip
def test_wrong_types_unknown_and_missing_fields_name_file_field_and_expectation(
    db, guide_folder, front, message
):
    set_front(guide_folder, STEP, front)
    if message is None:
        call_command("importguide", str(guide_folder))
        assert GuideVersion.objects.count() == 1
    else:
        assert f"steps/02-step.md: {message}" in refused(guide_folder)


def test_raw_html_in_markdown_is_refused_with_a_message_that_says_so(db, guide_folder):
    path = guide_folder / STEP
    path.write_text(
        path.read_text().replace("Set it to Off.", "Set it to <b>Off</b>.<script>x</script>")
    )
    assert (
        "steps/02-step.md: body: contains raw HTML (<b>, </b>, <script>). "
        "Markdown here cannot hold HTML" in refused(guide_folder)
    )


def test_crlf_files_import_as_the_same_content(db, guide_folder, tmp_path):
    from optout.guides.content import read_folder

    clean = read_folder(guide_folder)
    for path in guide_folder.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert read_folder(guide_folder) == clean


def test_an_unknown_file_or_folder_is_named(db, guide_folder):
    (guide_folder / "notes.txt").write_text("hello")
    (guide_folder / "steps" / "draft.markdown").write_text("hello")
    message = refused(guide_folder)
    assert "notes.txt: file: is not part of a guide folder" in message
    assert "steps/draft.markdown: file: is not NN-name.md or NN-name.LL.md" in message


def test_release_yaml_is_optional_and_checked(db, guide_folder):
    from optout.guides.content import read_folder

    release = guide_folder / "release.yaml"
    release.write_text(
        'summary:\n  en: "New steps."\n  fr: "Nouvelles étapes."\nrecheck: [ai-training]\n'
    )
    assert read_folder(guide_folder).release.recheck == ["ai-training"]
    release.write_text("summary:\n  es: Hola\nrecheck: [ai-dreams]\n")
    message = refused(guide_folder)
    assert "release.yaml: summary.es.[key]: must be one of 'en', 'fr' or 'de'" in message


# Hypothesis: hostile values anywhere, hostile files anywhere.

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=30), st.dates(), st.sampled_from(["", " ", "ai-training", "seed-000", "<b>x</b>", "2025-11-03"]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=3)
    ),
    max_leaves=8,
)
STEP_FIELDS = ["order", "control", "title", "link", "link_text", "sources", "note", "body", "x"]
GUIDE_FIELDS = ["slug", "title", "platform", "summary", "intro", "sources", "controls",
                "region_rules", "other"]  # fmt: skip


def check_import(folder: Path) -> None:
    """Either a clean import (one more draft) or a clear refusal (nothing more)."""
    before = GuideVersion.objects.count()
    try:
        call_command("importguide", str(folder))
    except CommandError as error:
        assert "nothing changed" in str(error)
        assert GuideVersion.objects.count() == before
    else:
        assert GuideVersion.objects.count() == before + 1


@given(field=st.sampled_from(STEP_FIELDS), value=VALUES)
@hsettings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_value_in_a_step_is_imported_or_refused_cleanly(db, tmp_path_factory, field, value):
    folder = write_guide(tmp_path_factory.mktemp("g"))
    path = folder / STEP
    front, body = yaml.safe_load(path.read_text().split("---\n")[1]), "Set it to Off."
    if field == "body":
        body = str(value)
    else:
        front[field] = value
    path.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}\n")
    check_import(folder)


@given(field=st.sampled_from(GUIDE_FIELDS), value=VALUES)
@hsettings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_value_in_guide_yaml_is_imported_or_refused_cleanly(db, tmp_path_factory, field, value):
    folder = write_guide(tmp_path_factory.mktemp("g"))
    write_french(folder)
    guide = yaml.safe_load((folder / "guide.yaml").read_text())
    guide[field] = value
    (folder / "guide.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True))
    check_import(folder)


FILE_NAMES = st.sampled_from([
    "guide.yaml", "guide.fr.yaml", "guide.es.yaml", "release.yaml", "steps/02-step.md",
    "steps/02-step.fr.md", "steps/07-new.md", "faq/01-faq.md", "faq/01-faq.de.md", "x.md",
])  # fmt: skip


@given(name=FILE_NAMES, data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@hsettings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_file_content_is_imported_or_refused_cleanly(db, tmp_path_factory, name, data):
    folder = write_guide(tmp_path_factory.mktemp("g"))
    write_french(folder)
    (folder / name).write_bytes(data)
    check_import(folder)


@given(name=FILE_NAMES, kind=st.sampled_from(["symlink", "fifo", "folder", "dangling"]))
@hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_odd_file_is_refused_cleanly(db, tmp_path_factory, name, kind):
    folder = write_guide(tmp_path_factory.mktemp("g"))
    path = folder / name
    if path.exists():
        path.unlink()
    if kind == "symlink":
        path.symlink_to(folder / "faq" / "01-faq.md")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(folder / "nowhere")
    check_import(folder)
    assert not GuideVersion.objects.exists()
