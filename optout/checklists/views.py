import datetime
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from optout import clock, ratelimit
from optout.errors import error_page
from optout.guides import caching
from optout.guides.models import GuideVersion, Section
from optout.guides.views import region_or_404
from optout.i18n import not_redirected
from optout.origin import same_origin_post

from . import calendar
from .forms import ReminderForm, ResumeForm, ToggleForm
from .models import Checklist, Item, checklist_items, progress
from .visitor import delete_cookie, get_checklist, guide_items, set_cookie


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    minutes = max(1, round(seconds / 60))
    response = error_page(
        request,
        429,
        _("Please wait a moment"),
        ngettext(
            "There were many requests from your connection in a short time, so we paused it to "
            "keep checklists safe from guessing. Try again in about %(minutes)d minute. Nothing "
            "was changed.",
            "There were many requests from your connection in a short time, so we paused it to "
            "keep checklists safe from guessing. Try again in about %(minutes)d minutes. Nothing "
            "was changed.",
            minutes,
        )
        % {"minutes": minutes},
    )
    response["Retry-After"] = str(seconds)
    return response


@same_origin_post
@require_POST
def toggle(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Tick or untick one control. Only the work a tick needs: the published version's structure
    comes from the per-process copy (one small query says which version is current), the write
    is one short transaction, and only htmx asks for the visitor's items afterwards."""
    version = caching.published_version(slug)
    if version is None:
        raise Http404("No published version")
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return error_page(
            request,
            400,
            _("We could not save that"),
            _("The form was not valid. Nothing was changed."),
        )
    region = form.cleaned_data["region"] or None
    section = version.section_by_key.get(key)
    if section is None:
        return error_page(
            request, 404, _("This step is not in the guide"),
            _("The current version of the guide has no such item. Reload the guide and try "
              "again. Nothing was changed."),
        )  # fmt: skip
    state = form.cleaned_data["state"]
    if state == Item.WAITING and section.kind != Section.Kind.FORM:
        return error_page(
            request,
            400,
            _("We could not save that"),
            _("Only a form can be waiting for an answer. Nothing was changed."),
        )
    checklist = get_checklist(request, touch=False)
    created = checklist is None and state != Item.TODO
    # Every tick counts in this worker's memory; only a new checklist, the one thing a flood of
    # ticks could pile up in the database, also counts in the shared cache, so that limit holds
    # across every worker and server without a locked write on every tick.
    limit = settings.CHECKLIST_WRITES_PER_MINUTE
    allowed, retry = ratelimit.hit(request, "write", limit, 60, shared=False)
    if allowed and created:
        allowed, retry = ratelimit.hit(request, "write", limit, 60)
    if not allowed:
        return _too_many(request, retry)
    if checklist is not None or created:
        with transaction.atomic():
            if created:
                checklist = Checklist.objects.create()
                checklist.ticks = {}
                request._checklist = checklist
            checklist.set_state(section.control_id, state, version.number)

    if request.htmx:
        today = clock.today()
        items = checklist_items(checklist, version, version.section_list, region, today)
        item = next(i for i in items if i.key == key)
        # On the checklist page, the first tick brings along, out of band, the parts that
        # depend on having a checklist at all: the introduction, the resume code, "your data".
        response = render(
            request,
            "checklists/item.html#swap",
            {"item": item, "progress": progress(items), "guide": version.guide, "region": region,
             "next": form.cleaned_data["next"] or "guide", "created": created, "checklist": checklist,
             "retention_days": settings.CHECKLIST_RETENTION_DAYS},
        )  # fmt: skip
    else:
        response = redirect(_back_url(version, key, region, form.cleaned_data["next"]))
    if created:
        set_cookie(response, checklist)
    return response


def _back_url(version: GuideVersion, key: str, region: str | None, next_page: str) -> str:
    """Back to the page the visitor ticked on, at the item they pressed (its own anchor)."""
    if next_page == "checklist":
        url = reverse("checklists:checklist")
    else:
        url = version.guide.get_absolute_url()
    query = f"?{urlencode({'region': region})}" if region else ""
    return f"{url}{query}#item-{version.guide.slug}-{key}"


def _checklist_page(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    region = region_or_404(request)
    guides = []
    checklist = get_checklist(request)
    versions = GuideVersion.objects.with_content().published().order_by("guide__slug")
    for version in versions:
        _sections, items, done = guide_items(request, version, region)
        guides.append(
            {"version": version, "guide": version.guide, "items": items, "progress": done}
        )
    context = {
        "checklist": checklist,
        "guides": guides,
        "region": region,
        "resume_form": ResumeForm(),
        "reminder_form": ReminderForm(),
        "retention_days": settings.CHECKLIST_RETENTION_DAYS,
        **extra,
    }
    response = render(request, "checklists/checklist.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def checklist(request: HttpRequest) -> HttpResponse:
    return _checklist_page(request)


@never_cache
@same_origin_post
@require_POST
def resume_code(request: HttpRequest) -> HttpResponse:
    checklist = get_checklist(request)
    if checklist is None:
        return error_page(
            request,
            400,
            _("Tick an item first"),
            _(
                "A resume code belongs to a checklist, and this device has none yet. Nothing was "
                "changed."
            ),
        )
    code = checklist.new_resume_code()
    if request.htmx:
        return render(
            request, "checklists/checklist.html#code", {"checklist": checklist, "new_code": code}
        )
    return _checklist_page(request, new_code=code)


@same_origin_post
@require_POST
def resume(request: HttpRequest) -> HttpResponse:
    allowed, retry = ratelimit.hit(request, "resume", settings.RESUME_LOOKUPS_PER_HOUR, 3600)
    if not allowed:
        return _too_many(request, retry)
    form = ResumeForm(request.POST)
    found = Checklist.for_code(form.data.get("code", "")) if form.is_valid() else None
    if found is None:
        if form.is_valid():
            form.add_error(
                "code", _("We found no checklist with this code. Check it and try again.")
            )
        return _checklist_page(request, status=400, resume_form=form)
    found.touch()
    response = redirect(reverse("checklists:checklist") + "?resumed=1")
    set_cookie(response, found)
    return response


@not_redirected
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    checklist = get_checklist(request)
    if checklist is None:
        raise Http404("No checklist on this device")
    response = HttpResponse(
        json.dumps(checklist.export(), indent=2) + "\n", content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="optout-checklist.json"'
    response["Cache-Control"] = "no-store"
    return response


@same_origin_post
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    checklist = get_checklist(request)
    if request.method != "POST":
        return render(request, "checklists/delete.html", {"checklist": checklist})
    if checklist is not None:
        checklist.delete()
    response = render(request, "checklists/deleted.html")
    delete_cookie(response)
    response["Cache-Control"] = "no-store"
    return response


@not_redirected
@require_safe
def reminder(request: HttpRequest) -> HttpResponse:
    form = ReminderForm(request.GET)
    if not form.is_valid():
        return error_page(
            request, 400, _("Choose when to be reminded"), _("Pick 3, 6 or 12 months.")
        )
    months = form.cleaned_data["months"]
    start = _add_months(clock.today(), months)
    url = settings.SITE_URL + reverse("checklists:checklist")
    body = calendar.event(
        uid=f"optout-recheck-{start.isoformat()}-{months}@{urlsplit(settings.SITE_URL).netloc}",
        day=start,
        summary=_("Check your AI-training privacy settings again"),
        description=_(
            "Platforms change their settings and policies. Open your optout checklist and check "
            "each setting is still off: %(url)s"
        )
        % {"url": url},
        url=url,
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="optout-reminder-{months}-months.ics"'
    return response


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")
