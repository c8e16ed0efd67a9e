import html
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.cache import caches

from optout import pagecache
from optout.guides.content import create_draft, read_folder
from optout.guides.models import GuideVersion
from tests.factories import write_guide


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and rendered pages live in the caches: every test starts with none.
    for cache in caches.all():
        cache.clear()
    pagecache.forget_local()


@pytest.fixture
def guide_folder(tmp_path):
    return write_guide(tmp_path / "linkedin")


@pytest.fixture
def draft(db, guide_folder):
    return create_draft(read_folder(guide_folder))


@pytest.fixture
def published(draft):
    draft.publish("First version.")
    return draft


def ensure_roles() -> None:
    """The Editors and Publishers groups, as the data migration makes them. Transactional tests
    empty every table when they end, groups included; tests that need them after one call this."""
    importlib.import_module("optout.guides.migrations.0002_editor_roles").create_roles(apps, None)
    importlib.import_module("optout.feedback.migrations.0002_roles").grant(apps, None)


@pytest.fixture
def erin(db):
    """An editor: changes drafts, records step checks, dismisses reports; cannot publish."""
    ensure_roles()
    user = User.objects.create_user("erin", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def paul(db):
    """A publisher: can also publish, restore and record checks."""
    ensure_roles()
    user = User.objects.create_user("paul", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


def login(client, user):
    client.force_login(user)
    return client


def start_draft(client, guide_pk) -> GuideVersion:
    response = client.post(f"/admin/guides/guide/{guide_pk}/start-draft/")
    assert response.status_code == 302
    return GuideVersion.objects.drafts().latest("pk")


def change_form_data(client, draft, *, crlf: bool = False) -> dict:
    """What the browser would post back from the draft's change form, unchanged. With `crlf`,
    textarea lines end in CRLF, as browsers send them (HTML's form submission rules)."""
    page = client.get(f"/admin/guides/guideversion/{draft.pk}/change/").content.decode()
    data = {}
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="file"' in tag or "__prefix__" in name.group(1):
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        value = html.unescape(value.group(1)) if value else "on" if "checkbox" in tag else ""
        if 'type="checkbox"' in tag and name.group(1).endswith("-source_keys"):
            data.setdefault(name.group(1), []).append(value)  # ticked sources: a list
        else:
            data[name.group(1)] = value
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        if "__prefix__" not in name:
            text = html.unescape(body.removeprefix("\n"))
            data[name] = text.replace("\n", "\r\n") if crlf else text
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
