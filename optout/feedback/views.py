from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from optout import ratelimit
from optout.errors import error_page
from optout.guides.models import GuideVersion
from optout.guides.translation import localize
from optout.origin import same_origin_post

from .forms import ReportForm
from .models import MismatchReport
from .stamp import bump_feedback


@same_origin_post
@require_POST
def report(request: HttpRequest, slug: str) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        message = next(iter(form.errors.values()))[0]
        return error_page(
            request,
            400,
            _("We could not send that report"),
            _("%(problem)s Nothing was sent.") % {"problem": message},
        )
    data = form.cleaned_data
    version = GuideVersion.objects.public().filter(guide__slug=slug, number=data["version"]).first()
    step = version.steps.filter(order=data["step"]).first() if version else None
    if step is None:
        return error_page(
            request,
            404,
            _("That step is not in the guide"),
            _("Reload the guide and try again. Nothing was sent."),
        )
    allowed, _retry = ratelimit.hit(request, "report", settings.REPORTS_PER_HOUR, 3600)
    if not allowed:
        return error_page(
            request,
            429,
            _("Thank you, that is plenty"),
            _(
                "We have had several reports from your connection in the last hour, so we did "
                "not store this one. Please try again later."
            ),
        )
    if not data["website"]:
        MismatchReport.objects.create(
            version=version,
            step_order=step.order,
            step_slug=step.slug,
            step_title=step.title,
            surface=data["surface"],
            region=data["region"],
            text=data["text"],
        )
        bump_feedback(slug)
    localize(version)  # the thanks page names the step in the visitor's language
    step = next(s for s in version.steps.all() if s.order == step.order)
    context = {"guide": version.guide, "version": version, "step": step, "region": data["region"]}
    template = "feedback/thanks.html#thanks" if request.htmx else "feedback/thanks.html"
    return render(request, template, context)
