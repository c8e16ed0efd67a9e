import hashlib
import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import translate_url
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from optout import clock
from optout.i18n import not_redirected

from . import diff as differ
from .content import content_of
from .models import Guide, GuideVersion
from .regions import Region
from .schema import TRUSTED, VersionDocument
from .translation import localize, localize_change_summaries, section_names


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


def guide_sections(version: GuideVersion, region: str | None, today) -> list:
    """The version's sections in the visitor's language, each with its steps and what applies
    in `region` today. Changes the version's objects: for a version loaded for this request."""
    localize(version)
    sections = version.sections_with_steps()
    for section in sections:
        section.attach_region(region, today, version.guide.platform.name)
    return sections


def guide_context(request: HttpRequest, version: GuideVersion, region: str | None) -> dict:
    """What the guide template needs. The visitor's checklist (optout.checklists) and the step
    feedback (optout.feedback) come from their apps' template tags."""
    today = clock.today()
    sections = guide_sections(version, region, today)
    timeline = version.timeline(today) if region is None else []
    faq = version.faq()
    return {
        "version": version,
        "guide": version.guide,
        "guide_url": settings.SITE_URL + version.guide.get_absolute_url(),
        "sections": sections,
        "faq": faq,
        "sources": version.number_citations(_cited_in_page_order(sections, timeline, faq)),
        "region": region,
        "region_label": Region(region).label if region else "",
        "regions": Region.choices,
        "timeline": timeline,
        "today": today,
        "stale": version.guide.is_stale(today),
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
    version = get_version_or_404(slug, number)
    context = guide_context(request, version, region)
    # /v/N/ of the current version duplicates the guide: noindex, canonical to the guide.
    context["own_page"] = number is not None
    response = render(request, "guides/guide.html", context)
    # A reader's current page is shared: optout.pagecache caches it and makes it public. A
    # visitor with a checklist gets their own.
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
            differ.snapshot(old), differ.snapshot(new), new.recheck_controls
        )
        context["recheck_names"] = [sections.get(k, k) for k in new.recheck_controls]
    return render(request, "guides/change.html", context)


def json_api(view: Callable) -> Callable:
    """For JSON that other sites and tools read: readable from any origin, never redirected to
    another language, revalidated by ETag (304 when unchanged), cached for a few minutes, and
    errors answered in JSON too."""

    @not_redirected
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = JsonResponse(
                {"error": "not_found", "message": "No such guide or version."}, status=404
            )
        if response.status_code == 405:
            allowed = response["Allow"]
            response = JsonResponse({"error": "method_not_allowed", "allow": allowed}, status=405)
            response["Allow"] = allowed
        if response.status_code == 200:
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            response["Cache-Control"] = "public, max-age=300"
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag"
        return response

    return wrapper


@json_api
@require_safe
def version_json(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    """A published version as JSON for other tools (docs/json-format.md)."""
    version = get_version_or_404(slug, number)
    content = content_of(version).model_dump()
    html = {s.order: s.body_html for s in version.steps.all()}
    for step in content["steps"]:
        step["body_html"] = html[step["order"]]
    html = {f.order: f.answer_html for f in version.faq_entries.all()}
    for entry in content["faq"]:
        entry["body_html"] = html[entry["order"]]
    document = VersionDocument.model_validate(
        {
            **content,
            "guide": version.guide.slug,
            "version": version.number,
            "current": version.is_current,
            "published_at": version.published_at,
            "change_summary": version.change_summary,
            "recheck_controls": version.recheck_controls,
            "last_checked_on": version.guide.last_checked_on,
            "url": settings.SITE_URL + version.get_absolute_url(),
        },
        context=TRUSTED,
    )
    return HttpResponse(
        json.dumps(document.as_json(), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
