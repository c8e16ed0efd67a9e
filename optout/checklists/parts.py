"""The visitor-specific parts of a guide page: each control's checklist item and the progress bar.

The guide page includes them with the `checklists` template tags. A reader's page is shared (see
optout.pagecache): there the parts show no checklist and are marked as slots, and for a visitor
with a checklist only these parts are rendered again and spliced into the shared page. Rendered
from their template partials without context processors: they need nothing but what is passed.
"""

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from optout import clock
from optout.guides import caching
from optout.guides.models import GuideVersion, Section

from .models import Checklist, ItemView, checklist_items, progress
from .visitor import get_checklist


def item_slot(item: ItemView) -> str:
    return f"item:{item.guide_slug}:{item.key}"


def progress_slot(version: GuideVersion) -> str:
    return f"progress:{version.guide.slug}"


# Parts already rendered by this process, by everything they show: visitors share a few
# combinations of state and day, so a spliced page is mostly looked up, not rendered.
_rendered: dict[tuple, SafeString] = {}


def _once(key: tuple, render) -> SafeString:
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) >= 4096:
            _rendered.clear()
        html = _rendered[key] = render()
    return html


def render_item(item: ItemView, region: str | None) -> SafeString:
    section = item.section
    ticked = timezone.localtime(item.ticked_at).date() if item.ticked_at else None
    key = (get_language(), item.guide_slug, section.pk, section.name, section.short_name,
           item.state, ticked, item.version_number, item.recheck_since, item.recheck_version,
           item.not_needed, region)  # fmt: skip
    return _once(
        key,
        lambda: get_template("checklists/item.html#item").render(
            {"item": item, "region": region, "next": "guide"}
        ),
    )


def render_progress(version: GuideVersion, done: dict) -> SafeString:
    guide = version.guide
    key = (get_language(), guide.slug, guide.platform.name, done["done"], done["total"])
    return _once(
        key,
        lambda: get_template("checklists/item.html#progress").render(
            {"guide": guide, "progress": done}
        ),
    )


def as_slot(name: str, html: str) -> SafeString:
    """Marks a part of a shared page that differs per visitor (optout.pagecache.SLOT)."""
    return format_html("<!--slot:{}-->{}<!--/slot-->", name, html)


def items_for(
    checklist: Checklist | None, version: GuideVersion, sections: list[Section], region: str | None
) -> list[ItemView]:
    return checklist_items(checklist, version, sections, region, clock.today())


def visitor_parts(
    request: HttpRequest, slug: str, region: str | None, current: tuple
) -> dict[str, str] | None:
    """{slot name: HTML} of the current guide page for the visitor's checklist, or None when the
    visitor has none (an expired or forged cookie). `current` is the guide's published version
    as (pk, number, published at), just read with `caching.published()`."""
    checklist = get_checklist(request)
    version = caching.published_version(slug, current)
    if checklist is None or version is None:
        return None
    items = items_for(checklist, version, version.section_list, region)
    parts = {item_slot(item): render_item(item, region) for item in items}
    parts[progress_slot(version)] = render_progress(version, progress(items))
    return parts
