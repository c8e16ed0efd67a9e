import json

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from optout import clock
from optout.checklists.visitor import guide_items
from optout.feedback.models import Surface, step_signals

from . import caching
from . import diff as differ
from .content import version_content
from .models import Guide, GuideVersion
from .regions import Region
from .translation import localize_change_summaries, section_names


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
    sections, _items, progress = guide_items(request, version, region)  # localizes `version`
    signals = step_signals(version)
    for section in sections:
        for step in section.step_list:
            step.signal = signals.get(step.order, {"checks": {}, "reports": 0})
            step.signal["hint"] = step.signal["reports"] >= settings.MISMATCH_HINT_THRESHOLD
    timeline = version.timeline(today) if region is None else []
    faq = version.faq()
    return {
        "version": version,
        "guide": version.guide,
        "sections": sections,
        "progress": progress,
        "faq": faq,
        "sources": version.number_citations(_cited_in_page_order(sections, timeline, faq)),
        "region": region,
        "region_label": Region(region).label if region else "",
        "regions": Region.choices,
        "timeline": timeline,
        "today": today,
        "stale": version.guide.is_stale(today),
        "surfaces": Surface.choices,
        # Where a piece is not translated, or its translation is older than the English.
        "untranslated": version.translated_count == 0 and version.shown_language != "en",
        "current_language_name": get_language_info(version.shown_language)["name_local"],
        "english_url": translate_url(request.path, "en")
        + (f"?{urlencode({'region': region})}" if region else ""),
    }


def _cited_in_page_order(sections, timeline, faq) -> list:
    """Everything that cites sources, in the order guides/guide.html shows it: per section the
    region's rules, then the steps; then the overview of every region's rules; then the FAQ."""
    cited = []
    for section in sections:
        cited += [item["rule"] for item in section.region_rules]
        cited += section.step_list
    cited += [item["rule"] for entry in timeline for _, items in entry["regions"] for item in items]
    return cited + faq


@require_safe
def detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    region = region_or_404(request)

    def render_page() -> HttpResponse:
        version = get_version_or_404(slug, number)
        return render(request, "guides/guide.html", guide_context(request, version, region))

    if number is None and caching.is_anonymous(request):
        key = getattr(request, "guide_page_key", None) or caching.page_key(request, slug, region)
        if key is None:
            raise Http404("No published version")
        return caching.cached_page(request, key, render_page)
    response = render_page()
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def changes(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(Guide, slug=slug)
    versions = list(guide.versions.public().order_by("-number"))
    if not versions:
        raise Http404("No published version")
    names = section_names(versions[0])
    localize_change_summaries(versions)
    for version in versions:
        version.recheck_names = [names.get(key, key) for key in version.recheck_controls]
    return render(request, "guides/changes.html", {"guide": guide, "versions": versions})


@never_cache
@staff_member_required
@require_safe
def preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A draft, exactly as visitors will see it once published. Staff only, never cached."""
    if not request.user.has_perm("guides.view_guideversion"):
        raise Http404
    version = get_object_or_404(
        GuideVersion.objects.with_content().drafts(), guide__slug=slug, pk=pk
    )
    return render(
        request, "guides/guide.html", guide_context(request, version, region_or_404(request))
    )


@require_safe
def change(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """What version `number` changed, step by step, against the version before it."""
    versions = GuideVersion.objects.public().filter(guide__slug=slug).select_related("guide")
    new = get_object_or_404(versions, number=number)
    old = versions.filter(number__lt=number).order_by("-number").first()
    localize_change_summaries([new])
    context = {"guide": new.guide, "version": new, "previous": old}
    if old is not None:
        sections = section_names(new)
        context["diff"] = differ.diff(
            version_content(old), version_content(new), new.recheck_controls
        )
        context["recheck_names"] = [sections.get(k, k) for k in new.recheck_controls]
    return render(request, "guides/change.html", context)


@require_safe
def version_json(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    """A published version as JSON for other tools (docs/json-format.md)."""
    version = get_version_or_404(slug, number)
    content = version_content(version)
    steps = {s.order: s for s in version.steps.all()}
    for step in content["steps"]:
        step["body_html"] = steps[step["order"]].body_html
    faq = {f.order: f for f in version.faq_entries.all()}
    for entry in content["faq"]:
        entry["body_html"] = faq[entry["order"]].answer_html
    data = {
        "format": "optout-guide/1",
        "guide": version.guide.slug,
        "version": version.number,
        "current": version.is_current,
        "published_at": version.published_at,
        "change_summary": version.change_summary,
        "recheck_controls": version.recheck_controls,
        "url": request.build_absolute_uri(version.get_absolute_url()),
        **{k: v for k, v in content.items() if k != "slug"},
    }
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
