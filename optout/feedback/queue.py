"""The editors' queue: what needs attention, most urgent first."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max
from django.urls import reverse

from optout.guides.models import Guide, GuideVersion

from .models import MismatchReport, WatchedSource


@dataclass
class Entry:
    urgency: int
    guide: Guide
    title: str
    detail: str
    when: datetime | date | None
    dismiss_url: str = ""


def attention(today: date) -> list[Entry]:
    entries: list[Entry] = []
    versions = list(GuideVersion.objects.published().select_related("guide__platform"))
    for version in versions:
        steps = {step.slug: step for step in version.steps.all()}
        groups = (
            MismatchReport.objects.open()
            .filter(version__guide_id=version.guide_id)
            .values("step_slug")
            .annotate(count=Count("pk"), newest=Max("created_at"))
        )
        for group in groups:
            slug, count = group["step_slug"], group["count"]
            step = steps.get(slug)
            newest = (
                MismatchReport.objects.open().about(version.guide_id, slug).exclude(text="").first()
            )
            where = f'Step {step.order}, "{step.title}"' if step else f'Step "{slug}"'
            entries.append(
                Entry(
                    urgency=100 + count,
                    guide=version.guide,
                    title=f"{where}: {count} mismatch report{'s' if count != 1 else ''}",
                    detail=f'Newest: "{newest.text}" ({newest.get_surface_display()})'
                    if newest
                    else "No description given.",
                    when=group["newest"],
                    dismiss_url=reverse(
                        "admin:feedback_dismiss_reports", args=[version.guide_id, slug]
                    ),
                )
            )
    published_at = {v.guide_id: v.published_at for v in versions}
    citing = {}
    for version in versions:
        for source in version.sources.all():
            citing.setdefault(source.url, version.guide)
    for source in WatchedSource.objects.filter(
        state__in=WatchedSource.ATTENTION, dismissed_at=None
    ):
        guide = citing.get(source.url)
        if guide is None or (source.changed_at and published_at[guide.pk] > source.changed_at):
            continue  # no longer cited, or a newer version was published since it changed
        urgency = {"gone": 70, "moved": 60, "changed": 50}[source.state]
        entries.append(
            Entry(
                urgency=urgency,
                guide=guide,
                title=f"Source {source.get_state_display().lower()}: {source.url}",
                detail=source.detail,
                when=source.changed_at,
                dismiss_url=reverse("admin:feedback_watchedsource_dismiss", args=[source.pk]),
            )
        )
    for version in versions:
        guide = version.guide
        if guide.is_stale(today):
            checked = guide.last_checked_on
            entries.append(
                Entry(
                    urgency=20,
                    guide=guide,
                    title=f"The {guide.platform.name} guide may be out of date",
                    detail=f"Last checked on {checked:%d %B %Y}." if checked else "Never checked.",
                    when=checked,
                    dismiss_url=reverse("admin:guides_guide_check", args=[guide.pk]),
                )
            )
    return sorted(entries, key=lambda e: (-e.urgency, str(e.when or "")), reverse=False)
