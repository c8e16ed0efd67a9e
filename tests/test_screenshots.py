"""Screenshot uploads in the admin: hostile images are form errors, files do not outlive their
steps, and a draft's images stay with its editors until it is published."""

import io
import struct
import zlib

import pytest
from PIL import Image

from optout.guides.models import GuideVersion, Step
from tests.conftest import change_form_data, login, start_draft, step_field

STEP = "Switch the toggle Off"


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares width x height pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))  # fmt: skip


def real_png(colour="white") -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(data, "PNG")
    data.seek(0)
    data.name = "shot.png"
    return data


@pytest.fixture
def editing(client, published, erin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, erin)
    return start_draft(client, published.guide.pk)


def upload(client, draft, file, **changes):
    data = change_form_data(client, draft)
    data[step_field(data, STEP, "screenshot_alt")] = "The toggle, off"
    for field, value in changes.items():
        data[step_field(data, STEP, field)] = value
    if file is not None:
        data[step_field(data, STEP, "screenshot")] = file
    return client.post(f"/admin/guides/guideversion/{draft.pk}/change/", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_declaring(20000, 20000), "declares far too many pixels"),
        (png_declaring(6000, 6000), "is 6000 x 6000 pixels; at most 25 million pixels"),
        (png_declaring(12000, 12000), "declares far too many pixels"),  # Pillow only warns
        (real_png().getvalue()[:60], "not a PNG, JPEG or WebP image"),  # truncated
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not a PNG, JPEG or WebP image"),
        (b"GIF89a" + b"\x00" * 50, "not a PNG, JPEG or WebP image"),
    ],
    ids=["20000x20000", "too many pixels", "bomb warning", "truncated", "broken", "gif"],
)
def test_a_hostile_image_is_a_form_error_never_a_500(client, editing, data, message):
    file = io.BytesIO(data)
    file.name = "shot.png"
    response = upload(client, editing, file)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not editing.steps.get(title=STEP).screenshot


def test_replaced_and_removed_screenshots_are_deleted_from_disk(
    client, editing, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, editing, real_png("white")).status_code == 302
    first = editing.steps.get(title=STEP).screenshot.name
    assert (settings.MEDIA_ROOT / first).is_file()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, editing, real_png("black")).status_code == 302
    second = editing.steps.get(title=STEP).screenshot.name
    assert second != first
    assert not (settings.MEDIA_ROOT / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(client, editing, None, **{"screenshot-clear": "on"}).status_code == 302
    assert not editing.steps.get(title=STEP).screenshot
    assert not (settings.MEDIA_ROOT / second).exists()


def test_a_screenshot_shared_with_a_published_version_stays(
    client, editing, settings, django_capture_on_commit_callbacks
):
    assert upload(client, editing, real_png()).status_code == 302
    name = editing.steps.get(title=STEP).screenshot.name
    editing.publish("With a screenshot")
    draft = editing.copy_as_draft()
    with django_capture_on_commit_callbacks(execute=True):
        draft.steps.get(title=STEP).delete()
        draft.delete()
    assert (settings.MEDIA_ROOT / name).is_file()  # version 2 still shows it


def test_a_deleted_drafts_screenshots_go_with_it(
    client, editing, settings, django_capture_on_commit_callbacks
):
    assert upload(client, editing, real_png()).status_code == 302
    name = editing.steps.get(title=STEP).screenshot.name
    with django_capture_on_commit_callbacks(execute=True):
        editing.delete()
    assert not (settings.MEDIA_ROOT / name).exists()


def test_a_drafts_screenshot_is_not_public_until_published(client, editing):
    assert upload(client, editing, real_png()).status_code == 302
    url = editing.steps.get(title=STEP).screenshot.url
    editor_view = client.get(url)
    assert editor_view.status_code == 200
    assert editor_view["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(url).status_code == 404
    GuideVersion.objects.get(pk=editing.pk).publish("With a screenshot")
    public = client.get(url)
    assert public.status_code == 200
    assert "public" in public["Cache-Control"]


def test_raw_html_in_the_admin_is_refused_with_a_message_that_says_so(client, editing):
    response = upload(client, editing, None, body_md="Set it to <b>Off</b>.")
    assert response.status_code == 200
    assert "This text contains raw HTML (&lt;b&gt;, &lt;/b&gt;)" in response.content.decode()
    assert Step.objects.get(version=editing, title=STEP).body_md == "Set it to Off."
