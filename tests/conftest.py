import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from optout.guides.content import create_draft, read_folder
from tests.factories import write_guide


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache: every test starts with none.
    cache.clear()


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
