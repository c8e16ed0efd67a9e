import pytest
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
