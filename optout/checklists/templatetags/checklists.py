"""{% checklist_progress version sections %} and {% checklist_item version section %}: the
visitor's checklist on a guide page (see optout.checklists.parts)."""

from django import template
from django.utils.safestring import SafeString

from ..models import progress
from ..parts import as_slot, item_slot, items_for, progress_slot, render_item, render_progress
from ..visitor import get_checklist

register = template.Library()


def _items(context, version, sections) -> dict:
    """{control key: item} for this page, worked out once per rendering."""
    memo = context.render_context.setdefault("checklist_items", {})
    if version.pk not in memo:
        request = context["request"]
        shared = getattr(request, "shared_page", False)
        checklist = None if shared else get_checklist(request)
        items = items_for(checklist, version, sections, context.get("region"))
        memo[version.pk] = {"items": {item.key: item for item in items}, "shared": shared,
                            "progress": progress(items)}  # fmt: skip
    return memo[version.pk]


@register.simple_tag(takes_context=True)
def checklist_progress(context, version, sections) -> SafeString:
    found = _items(context, version, sections)
    html = render_progress(version, found["progress"])
    return as_slot(progress_slot(version), html) if found["shared"] else html


@register.simple_tag(takes_context=True)
def checklist_item(context, version, sections, section) -> SafeString:
    found = _items(context, version, sections)
    item = found["items"][section.key]
    html = render_item(item, context.get("region"))
    return as_slot(item_slot(item), html) if found["shared"] else html
