"""What is published now, asked cheaply on every request: the stamp that keys the shared page
cache (optout.pagecache), and each guide's published version, loaded once per version, language
and process for the requests that need its structure (a tick, a checklist spliced into the
shared page).
"""

import datetime

from django.db import connection
from django.utils.translation import get_language

from .models import Guide, GuideVersion
from .translation import localize

# Table names and the status come from our models; the slug is a query parameter. The status is
# written into the query, not passed as a parameter: SQLite prepares a statement again on every
# run when a parameter meets a column that a partial index filters on (one published version
# per guide), and that cost five times the query itself.
_PUBLISHED = (
    f"SELECT g.slug, v.id, v.number, v.published_at, g.last_checked_on "  # noqa: S608
    f"FROM {GuideVersion._meta.db_table} v JOIN {Guide._meta.db_table} g ON v.guide_id = g.id "
    f"WHERE v.status = '{GuideVersion.Status.PUBLISHED.value}' ORDER BY v.guide_id"
)
_CURRENT = (
    f"SELECT v.id, v.number, v.published_at FROM {GuideVersion._meta.db_table} v "  # noqa: S608
    f"JOIN {Guide._meta.db_table} g ON v.guide_id = g.id "
    f"WHERE g.slug = %s AND v.status = '{GuideVersion.Status.PUBLISHED.value}'"
)


def current_version(slug: str) -> tuple[int, int, datetime.datetime] | None:
    """(pk, number, when it was published) of the guide's published version, or None.

    Asked on every request, so written once as plain SQL rather than built by the ORM each
    time (that was half the cost of a cached page)."""
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT, [slug])
        return cursor.fetchone()


# {(slug, version pk, number, published at, language): the version, loaded}: at most a few entries a process.
_published: dict[tuple, GuideVersion] = {}


def published_version(slug: str, current: tuple | None = None) -> GuideVersion | None:
    """The guide's published version with its content, localized into the active language, its
    sections in order (`section_list`, with their steps and rules) and by control key
    (`section_by_key`): built once per version, language and process, and found again with the
    one small query that also keys the page cache (or from `current`, the (pk, number, published
    at) the caller has just read with `published()`). Published versions never change, so a new
    publish simply makes a new key. Shared by every request of the process: read it, never
    change it."""
    if current is None:
        current = current_version(slug)
    if current is None:
        return None
    # With the time of publishing: a database restored from a backup may reuse a number.
    key = (slug, *current, get_language())
    version = _published.get(key)
    if version is None:
        version = GuideVersion.objects.with_content().get(pk=current[0])
        localize(version)
        version.section_list = version.sections_with_steps()
        version.section_by_key = {section.key: section for section in version.section_list}
        version.recheck_history  # noqa: B018 (computed now, once)
        if len(_published) >= 64:  # old versions and languages nobody asks for any more
            _published.clear()
        _published[key] = version
    return version


def published() -> dict[str, tuple[int, int, datetime.datetime, datetime.date | None]]:
    """{guide slug: (version pk, number, when it was published, the guide's last check)} of every
    published version. Asked on every request for a shared page (one small query)."""
    with connection.cursor() as cursor:
        cursor.execute(_PUBLISHED)
        return {slug: tuple(rest) for slug, *rest in cursor.fetchall()}


def published_stamp(now: dict | None = None) -> str:
    """What is published (`now`, from `published()`, or asked now), in a few bytes: changes with
    every publish and every recorded check of any guide."""
    now = published() if now is None else now
    return ";".join(
        f"{pk}.{number}.{published:%Y%m%d%H%M%S%f}.{checked}"
        for pk, number, published, checked in now.values()
    )
