from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from optout import clock
from optout.checklists.visitor import guide_items

from .models import Guide, GuideVersion
from .regions import Region


def region_or_404(request: HttpRequest) -> str | None:
    """The region chosen in the query string (?region=eu), None when none was chosen."""
    region = request.GET.get("region", "")
    if region == "":
        return None
    if region not in Region.values:
        raise Http404("Unknown region")
    return region


def get_version_or_404(slug: str, number: int | None = None) -> GuideVersion:
    versions = GuideVersion.objects.with_content().filter(guide__slug=slug)
    if number is None:
        return get_object_or_404(versions.published())
    return get_object_or_404(versions.public(), number=number)


def guide_context(request: HttpRequest, version: GuideVersion, region: str | None) -> dict:
    """What the guide template needs; the checklist adds its own on top."""
    today = clock.today()
    sections, _items, progress = guide_items(request, version, region)
    return {
        "version": version,
        "guide": version.guide,
        "sections": sections,
        "progress": progress,
        "faq": version.faq(),
        "sources": version.sources_by_key(),
        "region": region,
        "region_label": Region(region).label if region else "",
        "regions": Region.choices,
        "timeline": version.timeline(today) if region is None else [],
        "today": today,
    }


@require_safe
def detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    region = region_or_404(request)
    version = get_version_or_404(slug, number)
    return render(request, "guides/guide.html", guide_context(request, version, region))


@require_safe
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(Guide, slug=slug)
    versions = guide.versions.public().order_by("-number")
    if not versions:
        raise Http404("No published version")
    return render(request, "guides/changes.html", {"guide": guide, "versions": versions})
