"""The editors' workflow in Django's admin.

Drafts are edited inline (steps, FAQ, region rules, sources), with a Markdown preview and
move-up/down buttons (static/admin/optout-editor.js). Published versions are read-only: editing
means starting a new draft. Publishing, restoring and recording a check are their own small views
with their own permissions; every one of them, and every save, is written to the audit log.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language_info

from optout import clock

from . import diff, markdown, roles
from . import translation as translations
from .forms import CheckForm, CitesSourcesForm, DraftForm, PublishForm, TranslationForm
from .models import (
    AuditEntry,
    Control,
    FaqEntry,
    Guide,
    GuideVersion,
    PublishConflict,
    RegionRule,
    Section,
    Source,
    Step,
    Translation,
    VersionLocked,
)


class VersionContentFormSet(BaseInlineFormSet):
    """Checks what the database would refuse, so editors get a form error, never a 500:
    orders unique within the draft, and source keys that exist. Gives forms that cite sources
    the draft's sources to choose from."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if "source_keys" in self.form.base_fields:
            if not hasattr(self, "_sources"):
                self._sources = list(Source.objects.filter(version=self.instance))
            kwargs["sources"] = self._sources
        return kwargs

    def clean(self):
        super().clean()
        known = set(Source.objects.filter(version=self.instance).values_list("key", flat=True))
        orders: dict[int, int] = {}
        for index, form in enumerate(self.forms):
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = getattr(form, "cleaned_data", None) or {}
            order = data.get("order")
            if order is not None:
                if order in orders:
                    form.add_error("order", f"Row {orders[order] + 1} has the same order number.")
                orders[order] = index
            missing = [key for key in data.get("source_keys") or [] if key not in known]
            if missing and known:
                form.add_error(
                    "source_keys",
                    f"Unknown source(s): {', '.join(missing)}. Known: {', '.join(sorted(known))}.",
                )


class OrderedForm(forms.ModelForm):
    """The formset checks that order numbers are unique among the rows as submitted; the
    per-row database check would wrongly refuse two rows swapping their numbers."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "order"}


class StepForm(OrderedForm, CitesSourcesForm):
    class Meta:
        model = Step
        fields = [
            "order", "control", "title", "body_md", "link", "link_text", "source_keys", "note",
            "screenshot", "screenshot_alt",
        ]  # fmt: skip


class FaqForm(OrderedForm, CitesSourcesForm):
    class Meta:
        model = FaqEntry
        fields = ["order", "question", "answer_md", "source_keys"]


class RuleForm(CitesSourcesForm):
    class Meta:
        model = RegionRule
        fields = [
            "control",
            "region",
            "starts",
            "ends",
            "uses_data_by_default",
            "note",
            "source_keys",
        ]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and starts >= ends:
            raise ValidationError({"ends": "The end must be after the start."})
        return cleaned


def publishers_only(admin_site, request: HttpRequest, what: str) -> TemplateResponse:
    """The admin's page for an Editor who opened something only Publishers may do."""
    context = {**admin_site.each_context(request), "title": "Publishers only", "what": what}
    return TemplateResponse(request, "admin/guides/publishers_only.html", context, status=403)


class DraftInlineMixin:
    extra = 0
    formset = VersionContentFormSet

    def _editable(self, obj) -> bool:
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "control":
            version = getattr(request, "_optout_version", None)
            kwargs["queryset"] = Control.objects.filter(guide_id=getattr(version, "guide_id", 0))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SectionInline(DraftInlineMixin, admin.StackedInline):
    model = Section
    fields = [
        ("control", "order", "kind"),
        ("name", "short_name"),
        "summary",
        ("link", "link_text"),
    ]
    readonly_fields = ["control"]
    verbose_name = "control"
    verbose_name_plural = "controls (what visitors tick off)"
    classes = ["collapse"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepInline(DraftInlineMixin, admin.StackedInline):
    model = Step
    form = StepForm
    fields = [
        ("order", "control"),
        "title",
        "body_md",
        ("link", "link_text"),
        "source_keys",
        "note",
        ("screenshot", "screenshot_alt"),
    ]
    classes = ["optout-sortable"]


class FaqInline(DraftInlineMixin, admin.StackedInline):
    model = FaqEntry
    form = FaqForm
    fields = ["order", "question", "answer_md", "source_keys"]
    classes = ["optout-sortable", "collapse"]


class RegionRuleInline(DraftInlineMixin, admin.StackedInline):
    model = RegionRule
    form = RuleForm
    # Stacked, not tabular: the list of sources to tick needs the width.
    fields = [
        ("control", "region"),
        ("starts", "ends", "uses_data_by_default"),
        "note",
        "source_keys",
    ]
    classes = ["collapse"]


class SourceInline(DraftInlineMixin, admin.TabularInline):
    model = Source
    fields = ["key", "title", "publisher", "published", "url"]
    classes = ["collapse"]


@admin.register(GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    form = DraftForm
    list_display = ["__str__", "title", "status", "created_at", "published_at", "published_by"]
    list_filter = ["guide", "status"]
    list_select_related = ["guide", "published_by"]
    inlines = [SectionInline, StepInline, FaqInline, RegionRuleInline, SourceInline]
    change_form_template = "admin/guides/guideversion/change_form.html"
    readonly_fields = ["status_line"]

    class Media:
        js = ["admin/optout-editor.js"]
        css = {"all": ["admin/optout-editor.css"]}

    @admin.display(description="Status")
    def status_line(self, obj: GuideVersion) -> str:
        if obj.is_draft:
            base = f"based on version {obj.based_on_number}" if obj.based_on_number else "new"
            return f"Draft ({base}), saved {obj.revision} time(s)"
        return f"{obj.get_status_display()}: version {obj.number}, {obj.published_at:%d %B %Y}"

    def get_fields(self, request, obj=None):
        fields = ["status_line", "title", "summary", "intro_md"]
        return [*fields, "loaded_revision"] if obj is None or obj.is_draft else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return ["status_line", "title", "summary", "intro_md"]
        return ["status_line"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        request._optout_version = obj
        return super().get_form(request, obj, change, **kwargs)

    def has_add_permission(self, request):
        return False  # drafts start from a guide ("Start a new draft") or from importguide

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)

    def view_on_site(self, obj: GuideVersion) -> str:
        return obj.get_absolute_url()  # a draft's preview, or the published page

    def save_model(self, request, obj, form, change):
        # What visitors would see before this save, to say in the audit log what it changed.
        request._optout_before = diff.snapshot(obj) if change else None
        obj.revision = F("revision") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["revision"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        version = form.instance
        before = getattr(request, "_optout_before", None)
        changed = diff.describe(before, diff.snapshot(version)) if before else ""
        AuditEntry.record(
            version.guide, version, AuditEntry.Action.EDIT, request.user,
            f"Saved the draft: {changed}" if changed
            else "Saved the draft; nothing visitors see changed",
        )  # fmt: skip

    def save_formset(self, request, form, formset, change):
        if formset.model in (Step, FaqEntry):
            # Reordering swaps order numbers; move the rows out of the way first, so the
            # unique (version, order) constraint never sees two rows with one number.
            moved = [
                f.instance.pk for f in formset.forms if f.instance.pk and "order" in f.changed_data
            ]
            formset.model.objects.filter(pk__in=moved).update(order=F("order") + 1_000_000)
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        AuditEntry.record(obj.guide, None, AuditEntry.Action.EDIT, request.user, f"Deleted {obj}")
        super().delete_model(request, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/publish/", view(self.publish_view), name="guides_guideversion_publish"),
            path("<int:pk>/restore/", view(self.restore_view), name="guides_guideversion_restore"),
            path("<int:pk>/copy/", view(self.copy_view), name="guides_guideversion_copy"),
            path("<int:pk>/refresh/", view(self.refresh_view), name="guides_guideversion_refresh"),
            path("markdown-preview/", view(self.markdown_preview), name="guides_markdown_preview"),
            path(
                "<int:pk>/translations/",
                view(self.translations_view),
                name="guides_guideversion_translations",
            ),
            path(
                "<int:pk>/translations/<str:language>/<str:kind>/<int:object_id>/",
                view(self.translation_view),
                name="guides_guideversion_translation",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                can_publish=obj.is_draft and request.user.has_perm("guides.publish_guideversion"),
                can_restore=obj.status == GuideVersion.Status.RETIRED
                and request.user.has_perm("guides.publish_guideversion"),
                can_copy=not obj.is_draft and request.user.has_perm("guides.add_guideversion"),
            )
            if obj.is_draft:
                context.update(self._draft_warnings(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _draft_warnings(request: HttpRequest, draft: GuideVersion) -> dict:
        """What an editor must know about a draft at once: other open drafts of the guide,
        whether it was started from a version that is no longer published, and, for a draft
        that replaces such a draft, that draft's changes to bring over."""
        guide = draft.guide
        current = guide.versions.published().first()
        warnings = {
            "other_drafts": guide.versions.drafts()
            .exclude(pk=draft.pk)
            .select_related("created_by")
            .order_by("pk"),
            "current_version": current,
            "outdated_base": current is not None
            and draft.based_on_number is not None
            and draft.based_on_number != current.number,
            "can_refresh": request.user.has_perm("guides.add_guideversion"),
        }
        replaced = draft.replaces_draft
        if replaced is not None and replaced.is_draft and replaced.based_on_number:
            base = guide.versions.public().filter(number=replaced.based_on_number).first()
            if base is not None:
                warnings["replaced"] = replaced
                warnings["replaced_base"] = base
                warnings["replaced_changes"] = diff.diff(
                    diff.snapshot(base), diff.snapshot(replaced), []
                )
        return warnings

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("guides.publish_guideversion"):
            return publishers_only(self.admin_site, request, "Publishing a draft")
        draft = get_object_or_404(GuideVersion.objects.select_related("guide"), pk=pk)
        if not draft.is_draft:
            messages.info(request, f"{draft} is already published.")
            return redirect("admin:guides_guideversion_change", draft.pk)
        controls = [(s.control.key, s.name) for s in draft.sections.select_related("control")]
        form = PublishForm(request.POST or None, controls=controls)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                draft.publish(
                    form.cleaned_data["summary"],
                    form.cleaned_data["recheck"],
                    request.user,
                    translated_summaries=form.translated_summaries(),
                )
            except (VersionLocked, PublishConflict) as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, f"Published {draft.guide} version {draft.number}.")
                return redirect("admin:guides_guideversion_change", draft.pk)
        current = draft.guide.versions.published().first()
        context = {
            **self.admin_site.each_context(request),
            **self._draft_warnings(request, draft),
            "title": f"Publish {draft}",
            "draft": draft,
            "form": form,
            "opts": self.opts,
            "current": current.number if current else None,
            # What visitors will see change: the same diff as the public "what changed" page.
            "diff": diff.diff(
                diff.snapshot(current),
                diff.snapshot(draft),
                form.data.getlist("recheck") if form.is_bound else [],
            )
            if current
            else None,
        }
        return TemplateResponse(request, "admin/guides/publish.html", context, status=status)

    def translations_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The translations of a version: outdated ones first, with the English diff since
        each was translated, then missing and up-to-date ones."""
        version = get_object_or_404(GuideVersion.objects.select_related("guide"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        rows = translations.review(version, missing=True)
        state = request.GET.get("state", "")
        if state in ("outdated", "missing", "translated"):
            rows = [row for row in rows if row["state"] == state]
        order = {"outdated": 0, "missing": 1, "translated": 2}
        rows.sort(key=lambda row: order[row["state"]])
        context = {
            **self.admin_site.each_context(request),
            "title": f"Translations of {version}",
            "version": version,
            "rows": rows,
            "state": state,
            "counts": translations.counts(version),
            "languages": {
                code: get_language_info(code)["name"] for code in settings.CONTENT_LANGUAGES
            },
            "can_edit": version.is_draft and self.has_change_permission(request, version),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/guides/translations.html", context)

    def translation_view(
        self, request: HttpRequest, pk: int, language: str, kind: str, object_id: int
    ) -> HttpResponse:
        version = get_object_or_404(GuideVersion.objects.select_related("guide"), pk=pk)
        if language not in settings.CONTENT_LANGUAGES or kind not in Translation.FIELDS:
            raise Http404("No such language or kind of piece")
        piece = self._pieces(version).get((kind, object_id))
        if piece is None:
            raise Http404("No such piece in this version")
        if not version.is_draft or not self.has_change_permission(request, version):
            messages.error(
                request,
                "Published versions never change: start a new draft to change a translation.",
            )
            return redirect("admin:guides_guideversion_translations", version.pk)
        english = Translation.english(kind, piece)
        found = Translation.objects.filter(
            version=version, language=language, kind=kind, object_id=object_id
        ).first()
        labels = {
            field: piece._meta.get_field(field).verbose_name.capitalize() for field in english
        }
        form = TranslationForm(
            request.POST or None,
            initial=found.text if found else {},
            english=english,
            labels=labels,
            language=language,
        )
        name = get_language_info(language)["name"]  # in English, like the rest of the admin
        what = translations.label(kind, piece)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                if not form.text():
                    if found:
                        found.delete()
                    detail = f"Removed the {name} translation of {what}"
                else:
                    translation = found or Translation(
                        version=version, language=language, kind=kind, object_id=object_id
                    )
                    translation.text = form.text()
                    translation.source = english
                    translation.updated_at = timezone.now()
                    translation.save()
                    detail = f"Updated the {name} translation of {what}"
                AuditEntry.record(
                    version.guide, version, AuditEntry.Action.EDIT, request.user, detail
                )
            messages.success(request, f"{detail}.")
            return redirect("admin:guides_guideversion_translations", version.pk)
        outdated = found is not None and found.is_outdated(piece)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{name} translation: {what}",
            "version": version,
            "form": form,
            "found": found,
            "outdated": outdated,
            "changes": translations.english_changes(found, english) if found else [],
            "opts": self.opts,
        }
        return TemplateResponse(
            request,
            "admin/guides/translation.html",
            context,
            status=400 if form.errors else 200,
        )

    @staticmethod
    def _pieces(version: GuideVersion) -> dict:
        return {(kind, piece.pk): piece for kind, piece in translations.pieces(version)}

    def restore_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("guides.publish_guideversion"):
            return publishers_only(self.admin_site, request, "Restoring an old version")
        old = get_object_or_404(GuideVersion.objects.public(), pk=pk)
        if request.method != "POST":
            return redirect("admin:guides_guideversion_change", old.pk)
        new = old.restore(request.user)
        messages.success(
            request, f"Published the content of version {old.number} as version {new.number}."
        )
        return redirect("admin:guides_guideversion_change", new.pk)

    def copy_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("guides.add_guideversion"):
            raise PermissionDenied
        source = get_object_or_404(GuideVersion, pk=pk)
        if request.method != "POST":
            return redirect("admin:guides_guideversion_change", source.pk)
        draft = source.copy_as_draft(request.user)
        messages.success(request, f"Started a new draft from {source}.")
        return redirect("admin:guides_guideversion_change", draft.pk)

    def refresh_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A fresh draft from the published version, for a draft started from an older one;
        the new draft's page lists the old draft's changes, to bring them over."""
        if not request.user.has_perm("guides.add_guideversion"):
            raise PermissionDenied
        old = get_object_or_404(GuideVersion.objects.select_related("guide"), pk=pk)
        current = old.guide.versions.published().first()
        if request.method != "POST" or not old.is_draft or current is None:
            return redirect("admin:guides_guideversion_change", old.pk)
        with transaction.atomic():
            draft = current.copy_as_draft(request.user)
            draft.replaces_draft = old
            draft.save(update_fields=["replaces_draft"])
        messages.success(
            request,
            f"Started {draft} from version {current.number}. The changes of {old} are listed "
            f"at the top: make them here, then delete {old}.",
        )
        return redirect("admin:guides_guideversion_change", draft.pk)

    def markdown_preview(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return JsonResponse({"error": "POST the Markdown as 'text'."}, status=405)
        text = request.POST.get("text", "")
        if len(text) > 50_000:
            return JsonResponse({"error": "That text is too long to preview."}, status=400)
        return JsonResponse({"html": markdown.render(text)})


class VersionInline(admin.TabularInline):
    model = GuideVersion
    fields = ["link", "status", "title", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = "versions"

    @admin.display(description="Version")
    def link(self, obj):
        url = reverse("admin:guides_guideversion_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj)

    def has_add_permission(self, request, obj=None):
        return False


class AuditInline(admin.TabularInline):
    model = AuditEntry
    fields = ["at", "user", "action", "version", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "audit log"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "version__guide")


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["slug", "platform", "current_version", "last_checked_on", "stale"]
    readonly_fields = ["slug", "platform", "last_checked_on", "last_checked_by"]
    fields = readonly_fields
    inlines = [VersionInline, AuditInline]
    change_form_template = "admin/guides/guide/change_form.html"

    @admin.display(description="Published version")
    def current_version(self, obj: Guide):
        return obj.published_number() or "none"

    @admin.display(description="Steps may be out of date", boolean=True)
    def stale(self, obj: Guide) -> bool:
        return obj.is_stale(clock.today())

    def has_add_permission(self, request):
        return False  # guides come from guide folders (importguide / installguides)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/start-draft/",
                view(self.start_draft_view),
                name="guides_guide_start_draft",
            ),
            path("<int:pk>/check/", view(self.check_view), name="guides_guide_check"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(
                can_start_draft=request.user.has_perm("guides.add_guideversion"),
                can_check=request.user.has_perm("guides.verify_guide"),
                drafts=obj.versions.drafts(),
            )
            newest = (
                obj.versions.drafts().order_by("-pk").first() or obj.versions.published().first()
            )
            if newest is not None:
                outdated = sum(o for _t, o in translations.counts(newest).values())
                context.update(translations_of=newest, outdated_translations=outdated)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def start_draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if request.method != "POST" or not request.user.has_perm("guides.add_guideversion"):
            raise PermissionDenied
        guide = get_object_or_404(Guide, pk=pk)
        published = guide.versions.published().first()
        if published is None:
            messages.error(request, "This guide has no published version to start from.")
            return redirect("admin:guides_guide_change", guide.pk)
        draft = published.copy_as_draft(request.user)
        messages.success(request, f"Started a new draft from version {published.number}.")
        return redirect("admin:guides_guideversion_change", draft.pk)

    def check_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("guides.verify_guide"):
            return publishers_only(self.admin_site, request, "Recording a check of a guide")
        guide = get_object_or_404(Guide, pk=pk)
        form = CheckForm(request.POST or None, today=clock.today())
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                guide.record_check(form.cleaned_data["checked_on"], request.user)
            messages.success(
                request, f"Recorded: {guide} checked on {guide.last_checked_on:%d %B %Y}."
            )
            return redirect("admin:guides_guide_change", guide.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Record a check of the {guide.platform} guide",
            "guide": guide,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(
            request, "admin/guides/check.html", context, status=400 if form.errors else 200
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "guide", "version", "detail"]
    list_filter = ["action", "guide"]
    list_select_related = ["user", "guide", "version__guide"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class EditorUserAdmin(UserAdmin):
    """Django's user admin, where putting someone in Editors or Publishers is all it takes to
    make them an editor: it lets them sign in to the admin (staff status) too."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if roles.staff_if_editor(user):
            messages.info(
                request,
                f"{user} is in {roles.role_of(user)}, so they can now sign in to the admin "
                "(staff status is set).",
            )
