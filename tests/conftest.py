import importlib

import pytest
from django.apps import apps
from django.core.cache import caches

from optout.guides.content import create_draft, read_folder
from tests.factories import write_guide


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and rendered pages live in the caches: every test starts with none.
    for cache in caches.all():
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
