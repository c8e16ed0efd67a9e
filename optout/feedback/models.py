"""Signals that a guide may no longer match the platform: visitors' mismatch reports, editors'
per-step checks, and watched sources."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from optout.guides.models import GuideVersion, Step
from optout.guides.regions import Region


class Surface(models.TextChoices):
    WEB = "web", _("the web")
    IOS = "ios", _("iPhone")
    ANDROID = "android", _("Android")


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Neither dismissed by an editor nor fixed: a report lives until the step it is about
        changes in a published version, however many other versions are published meanwhile."""
        return self.filter(dismissed_at__isnull=True, fixed_in__isnull=True)

    def about(self, guide_id: int, step_slug: str):
        return self.filter(version__guide_id=guide_id, step_slug=step_slug)


class MismatchReport(models.Model):
    """A visitor says a step does not match what they see. Nothing identifies the visitor."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="+")
    step_order = models.PositiveIntegerField()  # in `version`, as the visitor saw it
    # The step's stable key (its file name), which follows it from version to version.
    step_slug = models.SlugField(max_length=100)
    step_title = models.CharField(max_length=200)  # as the visitor saw it
    surface = models.CharField(max_length=10, choices=Surface.choices)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    text = models.CharField("what they see instead", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismiss_reason = models.CharField(max_length=300, blank=True)
    # The first published version in which the step read differently (or was gone).
    fixed_in = models.ForeignKey(
        GuideVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Serves the queue and the page hint: open reports of one step.
            models.Index(fields=["step_slug", "dismissed_at", "fixed_in"], name="report_open"),
        ]

    def __str__(self) -> str:
        return f"{self.version} step {self.step_order}: {self.text[:40] or '(no text)'}"

    @property
    def status(self) -> str:
        if self.dismissed_at:
            return f"Dismissed: {self.dismiss_reason}"
        if self.fixed_in_id:
            return f"Fixed in version {self.fixed_in.number}"
        return "Open"

    @classmethod
    def close_fixed(cls, version: GuideVersion) -> int:
        """Mark as fixed in `version` the open reports of its guide whose step reads
        differently in it, or is gone. Returns how many."""
        steps = {step.slug: step.signature() for step in version.steps.select_related("control")}
        reports = (
            cls.objects.open().filter(version__guide_id=version.guide_id).exclude(version=version)
        )
        seen = reports.values_list("version_id", "step_slug").distinct()
        before = {
            (step.version_id, step.slug): step.signature()
            for step in Step.objects.filter(
                version_id__in={v for v, _ in seen}, slug__in={s for _, s in seen}
            ).select_related("control")
        }
        fixed = [
            (version_id, slug)
            for version_id, slug in seen
            if steps.get(slug) is None or steps[slug] != before.get((version_id, slug))
        ]
        count = 0
        for version_id, slug in fixed:
            count += reports.filter(version_id=version_id, step_slug=slug).update(fixed_in=version)
        return count


class StepCheck(models.Model):
    """An editor followed one step on one surface and found it true."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="+")
    step_order = models.PositiveIntegerField()
    surface = models.CharField(max_length=10, choices=Surface.choices)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-checked_on"]

    def __str__(self) -> str:
        return f"{self.version} step {self.step_order} on {self.surface}, {self.checked_on}"


class WatchedSource(models.Model):
    """A public page a guide cites, fetched by `watchsources`."""

    class State(models.TextChoices):
        NEW = "new", "First seen"
        SAME = "same", "Unchanged"
        CHANGED = "changed", "Changed"
        MOVED = "moved", "Moved"
        GONE = "gone", "Gone"
        UNREACHABLE = "unreachable", "Unreachable"

    ATTENTION = (State.CHANGED, State.MOVED, State.GONE)

    url = models.URLField(max_length=500, unique=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    final_url = models.URLField(max_length=500, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.NEW)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url

    @property
    def needs_attention(self) -> bool:
        return self.state in self.ATTENTION and self.dismissed_at is None


def step_signals(version: GuideVersion) -> dict[int, dict]:
    """Per step order: the latest check per surface, the open reports since the last check, and
    whether there are enough of them to show a hint. Open reports follow a step by its key, from
    whichever version they were made on. Two queries (steps are prefetched), for any number of steps."""
    signals: dict[int, dict] = {}
    for check in StepCheck.objects.filter(version=version).order_by("checked_on"):
        entry = signals.setdefault(check.step_order, {"checks": {}, "reports": 0})
        entry["checks"][check.surface] = check
    last_checked = {
        order: max((c.checked_on for c in entry["checks"].values()), default=None)
        for order, entry in signals.items()
    }
    orders = {step.slug: step.order for step in version.steps.all()}  # often prefetched
    for slug, created in (
        MismatchReport.objects.open()
        .filter(version__guide_id=version.guide_id, step_slug__in=orders)
        .values_list("step_slug", "created_at")
    ):
        order = orders[slug]
        since = last_checked.get(order)
        if since is None or timezone.localtime(created).date() > since:
            signals.setdefault(order, {"checks": {}, "reports": 0})["reports"] += 1
    for entry in signals.values():
        entry["hint"] = entry["reports"] >= settings.MISMATCH_HINT_THRESHOLD
    return signals


def reports_since(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
