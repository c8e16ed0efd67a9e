from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from optout import clock
from optout.feedback.stamp import bump_feedback
from optout.guides.models import Guide, GuideVersion

from .forms import DismissForm
from .models import MismatchReport, StepCheck, WatchedSource


def _bump_after_delete(queryset) -> None:
    """Reports and step checks show on cached guide pages: deleting them renews those pages."""
    slugs = set(queryset.values_list("version__guide__slug", flat=True))
    queryset.delete()
    for slug in slugs:
        bump_feedback(slug)


def _dismiss_page(admin_site, request, title, form, what, reports=()):
    context = {
        **admin_site.each_context(request),
        "title": title,
        "form": form,
        "what": what,
        "reports": reports,
    }
    return TemplateResponse(
        request, "admin/feedback/dismiss.html", context, status=400 if form.errors else 200
    )


@admin.register(MismatchReport)
class MismatchReportAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "version",
        "step_order",
        "step_title",
        "surface",
        "region",
        "text",
        "status",
    ]
    list_filter = ["surface", "region", ("dismissed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["version__guide", "fixed_in"]
    readonly_fields = [f.name for f in MismatchReport._meta.fields] + ["status"]

    @admin.display(description="status")
    def status(self, obj):
        return obj.status

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_feedback(obj.version.guide.slug)

    def delete_queryset(self, request, queryset):
        _bump_after_delete(queryset)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "dismiss/<int:guide_pk>/<slug:step>/",
                view(self.dismiss_view),
                name="feedback_dismiss_reports",
            ),
            *super().get_urls(),
        ]

    def dismiss_view(self, request, guide_pk: int, step: str):
        if not request.user.has_perm("feedback.change_mismatchreport"):
            raise PermissionDenied
        guide = get_object_or_404(Guide, pk=guide_pk)
        reports = MismatchReport.objects.open().about(guide.pk, step)
        form = DismissForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = reports.update(
                dismissed_at=timezone.now(),
                dismissed_by=request.user,
                dismiss_reason=form.cleaned_data["reason"],
            )
            bump_feedback(guide.slug)
            noun = "report" if count == 1 else "reports"
            messages.success(request, f'Dismissed {count} {noun} about the step "{step}".')
            return redirect("admin:index")
        listed = list(reports.select_related("version"))
        title = listed[0].step_title if listed else step
        return _dismiss_page(
            self.admin_site,
            request,
            f'Dismiss the reports about "{title}" in the {guide} guide',
            form,
            f"{len(listed)} open report{'' if len(listed) == 1 else 's'}",
            reports=listed,
        )


@admin.register(WatchedSource)
class WatchedSourceAdmin(admin.ModelAdmin):
    list_display = ["url", "state", "detail", "last_fetched_at", "changed_at", "dismissed_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in WatchedSource._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/dismiss/", view(self.dismiss_view), name="feedback_watchedsource_dismiss"
            ),
            *super().get_urls(),
        ]

    def dismiss_view(self, request, pk: int):
        if not request.user.has_perm("feedback.change_watchedsource"):
            raise PermissionDenied
        source = get_object_or_404(WatchedSource, pk=pk)
        form = DismissForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            source.dismissed_at = timezone.now()
            source.dismiss_reason = form.cleaned_data["reason"]
            source.save(update_fields=["dismissed_at", "dismiss_reason"])
            messages.success(request, f"Dismissed: {source.url}")
            return redirect("admin:index")
        return _dismiss_page(
            self.admin_site, request, f"Dismiss the change to {source.url}", form, source.detail
        )


class StepCheckForm(forms.ModelForm):
    class Meta:
        model = StepCheck
        fields = ["version", "step_order", "surface", "checked_on"]

    def clean(self):
        cleaned = super().clean()
        version, order = cleaned.get("version"), cleaned.get("step_order")
        if version and order and not version.steps.filter(order=order).exists():
            self.add_error("step_order", f"{version} has no step {order}.")
        day = cleaned.get("checked_on")
        if day and day > clock.today():
            self.add_error("checked_on", "The check cannot be in the future.")
        return cleaned


@admin.register(StepCheck)
class StepCheckAdmin(admin.ModelAdmin):
    form = StepCheckForm
    list_display = ["version", "step_order", "surface", "checked_on", "checked_by"]
    list_filter = ["surface"]
    fields = ["version", "step_order", "surface", "checked_on"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = GuideVersion.objects.published().select_related("guide")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.checked_by = request.user
        super().save_model(request, obj, form, change)
        bump_feedback(obj.version.guide.slug)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_feedback(obj.version.guide.slug)

    def delete_queryset(self, request, queryset):
        _bump_after_delete(queryset)
