"""Guides and their versioned content.

A guide (one per platform for now) has numbered versions. A version is a draft until it is
published; exactly one version per guide is published at a time (the database enforces it), and a
version that has been published never changes: editing means a new draft. Controls are the stable
things a visitor's checklist tracks (`ai-training`, ...); everything a visitor reads lives on a
version.
"""

import datetime
import uuid
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import markdown, text
from .regions import IN_SENTENCE, Region
from .signals import version_published


class VersionLocked(Exception):
    """Raised on any attempt to change the content of a version that is not a draft."""


class PublishConflict(Exception):
    """Another version was published after this draft was started from the one before it."""


class Platform(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    url = models.URLField(blank=True)

    def __str__(self) -> str:
        return self.name


class Guide(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="guides")
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # "Checked against the platform on": recorded by a publisher without changing the content.
    last_checked_on = models.DateField(null=True, blank=True, editable=False)
    last_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )

    class Meta:
        ordering = ["slug"]
        permissions = [("verify_guide", "Can record that a guide was checked against the platform")]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("guides:detail", args=[self.slug])

    def is_stale(self, today: datetime.date) -> bool:
        """Not checked against the platform for longer than GUIDE_STALE_AFTER_DAYS (counted
        from when the guide was added, if it was never checked)."""
        checked = self.last_checked_on or timezone.localtime(self.created_at).date()
        return (today - checked).days > settings.GUIDE_STALE_AFTER_DAYS

    def record_check(self, day: datetime.date, user) -> None:
        self.last_checked_on = day
        self.last_checked_by = user
        self.save(update_fields=["last_checked_on", "last_checked_by"])
        AuditEntry.record(self, None, AuditEntry.Action.VERIFY, user, f"Checked on {day}")

    def published_number(self) -> int | None:
        return self.versions.published().values_list("number", flat=True).first()


class Control(models.Model):
    """What a visitor ticks off. Its key never changes; its wording lives on each version."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="controls")
    key = models.SlugField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guide", "key"], name="unique_control_key_per_guide")
        ]

    def __str__(self) -> str:
        return f"{self.guide.slug}/{self.key}"


class VersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=GuideVersion.Status.PUBLISHED)

    def public(self):
        """Versions a visitor may see: the published one and the ones it replaced."""
        return self.filter(status__in=[GuideVersion.Status.PUBLISHED, GuideVersion.Status.RETIRED])

    def drafts(self):
        return self.filter(status=GuideVersion.Status.DRAFT)

    def with_content(self):
        """Everything the guide page shows, in a fixed number of queries."""
        return self.select_related("guide__platform").prefetch_related(
            models.Prefetch("sections", queryset=Section.objects.select_related("control")),
            "steps",
            "faq_entries",
            "region_rules",
            "sources",
        )


class GuideVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Replaced by a newer version"

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="versions")
    # Numbers are given on publishing: 1, 2, 3... per guide. Drafts have none.
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    title = text.CharField(max_length=200)
    summary = text.CharField(max_length=300, help_text="One sentence for listings and search.")
    intro_md = text.MarkdownField("intro (Markdown)", validators=[markdown.validate_no_raw_html])
    intro_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    change_summary = text.TextField(blank=True, editable=False)
    # Keys of the controls whose steps changed enough that visitors who ticked them before this
    # version must check them again.
    recheck_controls = models.JSONField(default=list, blank=True, editable=False)
    # The published number this draft started from: publishing refuses if another version was
    # published in between (the editor must look at it first).
    based_on_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Bumped on every save of a draft: two editors saving the same draft cannot overwrite each
    # other (the admin compares it with the revision the form was loaded with).
    revision = models.PositiveIntegerField(default=1, editable=False)
    # A draft started afresh from the published version to replace an older draft (one based
    # on a version that is no longer published): its page lists that draft's changes to bring
    # over.
    replaces_draft = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )  # fmt: skip
    # Made by `installguides` from the guide folder shipped with optout, not by an editor. Only
    # while such a version is published may a newer shipped release be published over it.
    from_shipped_files = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["guide", "-number", "-created_at"]
        permissions = [("publish_guideversion", "Can publish a guide version")]
        constraints = [
            models.UniqueConstraint(
                fields=["guide"],
                condition=Q(status="published"),
                name="one_published_version_per_guide",
            ),
            models.UniqueConstraint(
                fields=["guide", "number"], name="unique_version_number_per_guide"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True)
                | Q(status__in=["published", "retired"], number__isnull=False),
                name="numbered_unless_draft",
            ),
        ]
        indexes = [
            # Serves the public "current version" lookup: guide + status=published.
            models.Index(fields=["guide", "status"], name="version_guide_status"),
        ]

    def __str__(self) -> str:
        label = f"v{self.number}" if self.number else f"draft {self.pk}"
        return f"{self.guide.slug} {label}"

    def save(self, *args, **kwargs):
        if self.pk and not GuideVersion.objects.drafts().filter(pk=self.pk).exists():
            raise VersionLocked(f"{self} is published and cannot change; start a new draft.")
        text.normalize_fields(self)
        self.intro_html = markdown.render(self.intro_md)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The version's public page; for a draft, its preview (staff only)."""
        if self.number is None:
            return reverse("guides:preview", args=[self.guide.slug, self.pk])
        return reverse("guides:version", args=[self.guide.slug, self.number])

    def delete(self, *args, **kwargs):
        if not GuideVersion.objects.drafts().filter(pk=self.pk).exists():
            raise VersionLocked(f"{self} is published and cannot be deleted.")
        screenshots = list(self.steps.values_list("screenshot", flat=True))
        result = super().delete(*args, **kwargs)
        discard_screenshots(screenshots)
        return result

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @transaction.atomic
    def publish(
        self,
        summary: str,
        recheck_controls: list[str] = (),
        user=None,
        *,
        action: str = "",
        translated_summaries: dict[str, str] | None = None,
    ) -> None:
        """Make this draft the guide's one published version, with the next number.

        The guide row is locked first, so two editors publishing at once are serialised; the
        unique constraint on (guide, published) is the last word if anything slips through.
        """
        Guide.objects.select_for_update().get(pk=self.guide_id)
        if not GuideVersion.objects.drafts().filter(pk=self.pk).exists():
            raise VersionLocked(f"{self} has already been published by someone else.")
        current = self.guide.published_number()
        if self.based_on_number is not None and current != self.based_on_number:
            raise PublishConflict(
                f"Version {current} was published after this draft was started from version "
                f"{self.based_on_number}. Start a new draft from version {current} and make "
                "your changes there, so that theirs are not lost."
            )
        last = (
            GuideVersion.objects.filter(guide_id=self.guide_id).aggregate(n=models.Max("number"))[
                "n"
            ]
            or 0
        )
        summary = text.normalize(summary)
        for language, translated in (translated_summaries or {}).items():
            if translated.strip():
                Translation.objects.update_or_create(
                    version=self, language=language, kind=Translation.Kind.CHANGE,
                    object_id=self.pk,
                    defaults={"text": {"change_summary": translated},
                              "source": {"change_summary": summary}},
                )  # fmt: skip
        now = timezone.now()
        GuideVersion.objects.filter(guide_id=self.guide_id).published().update(
            status=self.Status.RETIRED
        )
        changes = {
            "status": self.Status.PUBLISHED,
            "number": last + 1,
            "published_at": now,
            "change_summary": summary,
            "recheck_controls": sorted(set(recheck_controls)),
            "published_by": user,
        }
        GuideVersion.objects.filter(pk=self.pk).update(**changes)
        for field, value in changes.items():
            setattr(self, field, value)
        AuditEntry.record(
            self.guide, self, action or AuditEntry.Action.PUBLISH, user,
            f"Published as version {self.number}: {summary}",
        )  # fmt: skip
        version_published.send(sender=GuideVersion, version=self)

    @transaction.atomic
    def copy_as_draft(self, user=None) -> "GuideVersion":
        """A new draft with this version's content (steps, FAQ, rules, sources), based on the
        version published now."""
        draft = GuideVersion.objects.create(
            guide=self.guide,
            title=self.title,
            summary=self.summary,
            intro_md=self.intro_md,
            based_on_number=self.guide.published_number(),
            created_by=user,
        )
        new_pks = {(Translation.Kind.VERSION, self.pk): draft.pk}
        for related, kind in (
            ("sources", None),
            ("sections", Translation.Kind.SECTION),
            ("steps", Translation.Kind.STEP),
            ("faq_entries", Translation.Kind.FAQ),
            ("region_rules", Translation.Kind.RULE),
        ):
            for obj in getattr(self, related).all():
                old_pk = obj.pk
                obj.pk = obj.id = None
                obj._state.adding = True
                obj.version = draft
                obj.save()
                new_pks[(kind, old_pk)] = obj.pk
        # Translations come along unchanged: they record the English they translated, so the
        # draft's edits to the English make them outdated rather than silently wrong.
        for translation in self.translations.exclude(kind=Translation.Kind.CHANGE):
            Translation.objects.create(
                version=draft,
                language=translation.language,
                kind=translation.kind,
                object_id=new_pks[(translation.kind, translation.object_id)],
                text=translation.text,
                source=translation.source,
            )
        AuditEntry.record(
            self.guide, draft, AuditEntry.Action.CREATE, user,
            f"Draft started from version {self.number}" if self.number else "Draft started",
        )  # fmt: skip
        return draft

    def restore(self, user=None) -> "GuideVersion":
        """Publish this old version's content again, as a new version."""
        with transaction.atomic():
            draft = self.copy_as_draft(user)
            draft.publish(
                f"Restored the content of version {self.number}.", (), user,
                action=AuditEntry.Action.RESTORE,
            )  # fmt: skip
        return draft

    # Reading the content. These work on prefetched relations (see `with_content()`).

    def sources_by_key(self) -> dict[str, "Source"]:
        """Every source of this version, keyed, in title order (unnumbered: the numbers
        depend on what a page shows, see `number_citations`)."""
        return {source.key: source for source in sorted(self.sources.all(), key=str)}

    def _cite(self, items, sources: dict[str, "Source"]) -> None:
        for item in items:
            item.cited = [sources[key] for key in item.source_keys if key in sources]

    def number_citations(self, cited_items) -> dict[str, "Source"]:
        """Number the sources in the order a page first cites them.

        `cited_items` are the steps, rules and answers a page shows, in the order it shows them
        (each with its `.cited` sources, see `sections_with_steps` and `faq`). Each item's
        `.cited` is sorted by number, so a reader meets [1], [2], [3]... in order. Returns every
        source keyed, in number order; sources the page does not cite come last, by title.
        """
        numbers: dict[str, int] = {}
        for item in cited_items:
            for source in item.cited:
                numbers.setdefault(source.key, len(numbers) + 1)
        sources = self.sources_by_key()
        for key in sources:
            numbers.setdefault(key, len(numbers) + 1)
        for item in cited_items:
            for source in item.cited:
                source.number = numbers[source.key]
            item.cited.sort(key=lambda source: source.number)
        for key, source in sources.items():
            source.number = numbers[key]
        return dict(sorted(sources.items(), key=lambda pair: pair[1].number))

    def sections_with_steps(self) -> list["Section"]:
        """Sections in order, each with `.step_list` and `.rule_list` attached, and each step
        and rule with its `.cited` sources."""
        sources = self.sources_by_key()
        self._cite(self.steps.all(), sources)
        self._cite(self.region_rules.all(), sources)
        sections = sorted(self.sections.all(), key=lambda s: s.order)
        by_control = {section.control_id: section for section in sections}
        for section in sections:
            section.step_list = []
            section.rule_list = []
        for step in sorted(self.steps.all(), key=lambda s: s.order):
            by_control[step.control_id].step_list.append(step)
        for rule in sorted(self.region_rules.all(), key=RegionRule.sort_key):
            by_control[rule.control_id].rule_list.append(rule)
        return sections

    def timeline(self, today: datetime.date) -> list[dict]:
        """Every region rule, per control and region, as sentences with the rule's note and
        sources: for a visitor who has not picked a region yet."""
        platform = self.guide.platform.name
        result = []
        for section in self.sections_with_steps():
            regions: dict[str, list[dict]] = {}
            for rule in section.rule_list:
                regions.setdefault(rule.get_region_display(), []).append(
                    {"rule": rule, "text": rule.sentence(today, platform)}
                )
            if regions:
                result.append({"section": section, "regions": list(regions.items())})
        return result

    @cached_property
    def recheck_history(self) -> list[tuple[int, datetime.date, list[str]]]:
        """(number, day published, control keys to check again) of each public version of this
        guide that asked visitors to check controls again."""
        return [
            (number, published.date(), keys)
            for number, published, keys in GuideVersion.objects.public()
            .filter(guide_id=self.guide_id)
            .exclude(recheck_controls=[])
            .values_list("number", "published_at", "recheck_controls")
        ]

    def faq(self) -> list["FaqEntry"]:
        entries = sorted(self.faq_entries.all(), key=lambda f: f.order)
        self._cite(entries, self.sources_by_key())
        return entries


class VersionContent(models.Model):
    """Content that belongs to one version and is frozen with it."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        text.normalize_fields(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        if not GuideVersion.objects.drafts().filter(pk=self.version_id).exists():
            raise VersionLocked(f"{self.version} is published and cannot change.")


class Source(VersionContent):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="sources")
    key = models.SlugField()
    title = text.CharField(max_length=300)
    publisher = text.CharField(max_length=200)
    published = text.CharField(max_length=50, blank=True, help_text='e.g. "September 2024"')
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_source_key_per_version")
        ]

    def __str__(self) -> str:
        return self.title


class Section(VersionContent):
    """A control as one version presents it: its wording, deep link and order."""

    class Kind(models.TextChoices):
        SETTING = "setting", "A setting to switch off"
        FORM = "form", "A form to send (and wait for an answer)"

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="sections")
    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="sections")
    order = models.PositiveIntegerField()
    name = text.CharField(max_length=200)
    short_name = text.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SETTING)
    summary = text.TextField()
    link = models.URLField(blank=True)
    link_text = text.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "control"], name="one_section_per_control_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return self.control.key

    def rule_now(self, region: str | None, today: datetime.date) -> "RegionRule | None":
        """The rule that applies in `region` today (needs `rule_list`, see sections_with_steps)."""
        if not region:
            return None
        return next(
            (rule for rule in self.rule_list if rule.region == region and rule.applies_on(today)),
            None,
        )

    def not_needed_in(self, region: str | None, today: datetime.date) -> bool:
        """The platform does not use this region's data for this control today: nothing to
        switch off."""
        rule = self.rule_now(region, today)
        return rule is not None and not rule.uses_data_by_default

    def attach_region(self, region: str | None, today: datetime.date, platform: str) -> None:
        """Attach what applies in `region` today (needs `rule_list`, see sections_with_steps)."""
        rules = [rule for rule in self.rule_list if rule.region == region] if region else []
        now = self.rule_now(region, today)
        self.region_rules = [
            {"rule": rule, "text": rule.sentence(today, platform), "now": rule is now}
            for rule in rules
        ]
        self.not_needed = self.not_needed_in(region, today)


SCREENSHOT_MAX_BYTES = 2 * 1024 * 1024
SCREENSHOT_MAX_PIXELS = 25_000_000  # 5000 x 5000; a phone's long screenshot is far less
SCREENSHOT_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


def screenshot_format(file) -> str:
    """The image format of an uploaded file, judged by its content; ValidationError if it is
    not a PNG, JPEG or WebP image within the size caps.

    The header is read first, so an image that declares too many pixels (a decompression bomb)
    is refused before anything is decoded. Any error Pillow raises on a broken or hostile file
    is a plain "not an image" for the editor, never a server error.
    """
    import warnings

    from PIL import Image

    if file.size > SCREENSHOT_MAX_BYTES:
        raise ValidationError("The screenshot is larger than 2 MB. Please make it smaller.")
    file.seek(0)
    data = file.read()
    file.seek(0)
    not_an_image = ValidationError("This file is not a PNG, JPEG or WebP image Pillow can read.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                kind = image.format
                width, height = image.size
                if kind not in SCREENSHOT_FORMATS:
                    raise ValidationError("Screenshots must be PNG, JPEG or WebP images.")
                if width * height > SCREENSHOT_MAX_PIXELS:
                    raise ValidationError(
                        f"The screenshot is {width} x {height} pixels; at most "
                        f"{SCREENSHOT_MAX_PIXELS // 1_000_000} million pixels are accepted. "
                        "Please make it smaller."
                    )
                image.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()  # decodes it all: a truncated or corrupt image fails here
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            "The screenshot declares far too many pixels. Please make it smaller."
        ) from exc
    except Exception as exc:  # Pillow raises many kinds of error on hostile files
        raise not_an_image from exc
    return kind


def validate_screenshot(file) -> None:
    screenshot_format(file)


def screenshot_path(step: "Step", filename: str) -> str:
    """A random name with the extension of the real format, never the uploaded name."""
    kind = screenshot_format(step.screenshot.file)
    return f"screenshots/{uuid.uuid4().hex}.{SCREENSHOT_FORMATS[kind]}"


def discard_screenshots(names) -> None:
    """Delete screenshot files no step refers to any more, once the transaction commits
    (versions share a file when a draft is copied, so a file goes only with its last step)."""
    names = {name for name in names if name}
    if not names:
        return

    def discard():
        from django.core.files.storage import default_storage

        used = set(Step.objects.filter(screenshot__in=names).values_list("screenshot", flat=True))
        for name in names - used:
            default_storage.delete(name)

    transaction.on_commit(discard)


def auto_slug(text: str, max_length: int = 100) -> str:
    """A file name for a step or FAQ entry, made from its title: whole words only."""
    slug = slugify(text) or "entry"
    while len(slug) > max_length and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:max_length]


class Step(VersionContent):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="steps")
    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveIntegerField()
    title = text.CharField(max_length=200)
    slug = models.SlugField(
        "file name", max_length=100, blank=True,
        help_text="Its name in guide folders (steps/NN-name.md); made from the title if empty.",
    )  # fmt: skip
    body_md = text.MarkdownField("body (Markdown)", validators=[markdown.validate_no_raw_html])
    body_html = models.TextField(editable=False)
    link = models.URLField(blank=True)
    link_text = text.CharField(max_length=200, blank=True)
    source_keys = models.JSONField(default=list)
    note = text.TextField(blank=True, help_text="Where sources disagree: which one we follow.")
    screenshot = models.FileField(
        upload_to=screenshot_path,
        blank=True,
        validators=[validate_screenshot],
        help_text="Optional: a PNG, JPEG or WebP screenshot of the platform's screen, up to 2 MB.",
    )
    screenshot_alt = text.CharField(
        "screenshot description", max_length=300, blank=True,
        help_text="What the screenshot shows, for people who cannot see it.",
    )  # fmt: skip

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="unique_step_order")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        text.normalize_fields(self)
        self.body_html = markdown.render(self.body_md)
        self.slug = self.slug or auto_slug(self.title)
        # The slug is the step's stable key (reports follow it from version to version), so it
        # is unique within its version: a second "step" becomes "step-2" (its order).
        taken = Step.objects.filter(version_id=self.version_id, slug=self.slug).exclude(pk=self.pk)
        if self.version_id and taken.exists():
            self.slug = f"{self.slug[:90]}-{self.order}"
        old = Step.objects.filter(pk=self.pk).values_list("screenshot", flat=True).first()
        super().save(*args, **kwargs)
        if old and old != self.screenshot.name:
            discard_screenshots([old])  # replaced or removed

    def delete(self, *args, **kwargs):
        name = self.screenshot.name
        result = super().delete(*args, **kwargs)
        discard_screenshots([name])
        return result

    def signature(self) -> tuple:
        """What a reader follows: two steps with the same signature read the same in English."""
        return (
            self.control.key, self.title, self.body_md, self.link, self.link_text,
            self.screenshot.name or "", self.screenshot_alt,
        )  # fmt: skip


class FaqEntry(VersionContent):
    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="faq_entries")
    order = models.PositiveIntegerField()
    question = text.CharField(max_length=300)
    slug = models.SlugField(
        "file name", max_length=100, blank=True,
        help_text="Its name in guide folders (faq/NN-name.md); made from the question if empty.",
    )  # fmt: skip
    answer_md = text.MarkdownField("answer (Markdown)", validators=[markdown.validate_no_raw_html])
    answer_html = models.TextField(editable=False)
    source_keys = models.JSONField(default=list)

    class Meta:
        ordering = ["order"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="unique_faq_order")
        ]

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs):
        text.normalize_fields(self)
        self.answer_html = markdown.render(self.answer_md)
        self.slug = self.slug or auto_slug(self.question)
        super().save(*args, **kwargs)


def format_day(day: datetime.date) -> str:
    """A date as the active language writes it: "3 November 2025", "3. November 2025"."""
    return formats.date_format(day, "DATE_FORMAT")


class RegionRule(VersionContent):
    """From `starts` (inclusive) until `ends` (exclusive), LinkedIn does or does not use the data
    of members in `region` for this control by default. An empty date is an open end."""

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="region_rules")
    control = models.ForeignKey(Control, on_delete=models.PROTECT, related_name="region_rules")
    region = models.CharField(max_length=10, choices=Region.choices)
    starts = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)
    uses_data_by_default = models.BooleanField()
    note = text.TextField(blank=True)
    source_keys = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__isnull=True)
                | Q(ends__isnull=True)
                | Q(starts__lt=models.F("ends")),
                name="rule_starts_before_it_ends",
            )
        ]

    def __str__(self) -> str:
        return f"{self.control.key} {self.region} {self.starts or '...'} to {self.ends or '...'}"

    @staticmethod
    def sort_key(rule: "RegionRule"):
        return (Region.values.index(rule.region), rule.starts or datetime.date.min)

    def applies_on(self, day: datetime.date) -> bool:
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day < self.ends
        )

    def overlaps(self, other: "RegionRule") -> bool:
        lo = max(self.starts or datetime.date.min, other.starts or datetime.date.min)
        hi = min(self.ends or datetime.date.max, other.ends or datetime.date.max)
        return lo < hi

    def sentence(self, today: datetime.date, platform: str = "LinkedIn") -> str:
        """The rule as a visitor reads it, in the tense that fits today, in the active
        language."""
        if self.ends is not None and self.ends <= today:
            tense = "past"
        elif self.starts is not None and today < self.starts:
            tense = "future"
        else:
            tense = "present"
        shape = ("from" if self.starts else "") + ("until" if self.ends else "") or "always"
        template = RULE_SENTENCES[(shape, tense, self.uses_data_by_default)]
        return template % {
            "platform": platform,
            "who": IN_SENTENCE[Region(self.region)],
            "start": format_day(self.starts) if self.starts else "",
            "end": format_day(self.ends) if self.ends else "",
        }


# Whole sentences, so that every language can order its words its own way.
# (dates given, tense, uses the data by default) -> sentence
RULE_SENTENCES = {
    ("fromuntil", "past", True): _(
        "From %(start)s until %(end)s %(platform)s used data of %(who)s by default."
    ),
    ("fromuntil", "past", False): _(
        "From %(start)s until %(end)s %(platform)s did not use data of %(who)s by default."
    ),
    ("fromuntil", "present", True): _(
        "From %(start)s until %(end)s %(platform)s uses data of %(who)s by default."
    ),
    ("fromuntil", "present", False): _(
        "From %(start)s until %(end)s %(platform)s does not use data of %(who)s by default."
    ),
    ("fromuntil", "future", True): _(
        "From %(start)s until %(end)s %(platform)s will use data of %(who)s by default."
    ),
    ("fromuntil", "future", False): _(
        "From %(start)s until %(end)s %(platform)s will not use data of %(who)s by default."
    ),
    ("from", "present", True): _("Since %(start)s %(platform)s uses data of %(who)s by default."),
    ("from", "present", False): _(
        "Since %(start)s %(platform)s does not use data of %(who)s by default."
    ),
    ("from", "future", True): _("From %(start)s %(platform)s will use data of %(who)s by default."),
    ("from", "future", False): _(
        "From %(start)s %(platform)s will not use data of %(who)s by default."
    ),
    ("until", "past", True): _("Until %(end)s %(platform)s used data of %(who)s by default."),
    ("until", "past", False): _(
        "Until %(end)s %(platform)s did not use data of %(who)s by default."
    ),
    ("until", "present", True): _("Until %(end)s %(platform)s uses data of %(who)s by default."),
    ("until", "present", False): _(
        "Until %(end)s %(platform)s does not use data of %(who)s by default."
    ),
    ("always", "present", True): _("%(platform)s uses data of %(who)s by default."),
    ("always", "present", False): _("%(platform)s does not use data of %(who)s by default."),
}


class AuditEntry(models.Model):
    """Who did what to a guide, and when: every create, edit, publish, restore and verify."""

    class Action(models.TextChoices):
        CREATE = "create", "Created a draft"
        EDIT = "edit", "Edited a draft"
        PUBLISH = "publish", "Published"
        RESTORE = "restore", "Restored an old version"
        VERIFY = "verify", "Checked against the platform"

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="audit_entries")
    version = models.ForeignKey(
        GuideVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.guide} {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(cls, guide, version, action, user, detail: str = "") -> "AuditEntry":
        user = user if getattr(user, "pk", None) else None
        return cls.objects.create(
            guide=guide, version=version, action=action, user=user, detail=detail
        )


class Translation(VersionContent):
    """One piece of a version (its title and intro, a section, a step, a FAQ entry or a region
    rule's note) in another language.

    `text` holds the translated fields, `source` the English of every translatable field as it
    was when the piece was translated. When a newer version changes the English, the
    translation is copied along with the piece but no longer matches it: it is *outdated*
    (shown with a note, listed for editors with the English diff), never deleted.
    """

    class Kind(models.TextChoices):
        VERSION = "version", "Title and introduction"
        SECTION = "section", "Setting or form"
        STEP = "step", "Step"
        FAQ = "faq", "Question and answer"
        RULE = "rule", "Region note"
        CHANGE = "change", "What changed"

    # The fields of each kind of piece that are translated (Markdown fields end in _md).
    FIELDS = {
        Kind.VERSION: ("title", "summary", "intro_md"),
        Kind.CHANGE: ("change_summary",),
        Kind.SECTION: ("name", "short_name", "summary", "link_text"),
        Kind.STEP: ("title", "body_md", "link_text", "note", "screenshot_alt"),
        Kind.FAQ: ("question", "answer_md"),
        Kind.RULE: ("note",),
    }

    version = models.ForeignKey(GuideVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The primary key of the translated piece in this version (the version's own for VERSION
    # and CHANGE).
    object_id = models.PositiveIntegerField()
    text = models.JSONField(default=dict)
    source = models.JSONField(default=dict)
    html = models.JSONField(default=dict, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["language", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language", "kind", "object_id"],
                name="one_translation_per_piece_and_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.language} {self.kind} {self.object_id}"

    def save(self, *args, **kwargs):
        self.text = self.normalized(self.text)
        self.source = self.normalized(self.source)
        self.html = {
            field: markdown.render(value)
            for field, value in self.text.items()
            if field.endswith("_md") and value
        }
        super().save(*args, **kwargs)

    @staticmethod
    def normalized(fields: dict) -> dict:
        """Translated or English fields in the normal form of guide text (see text.py)."""
        return {
            field: text.normalize(value, markdown=field.endswith("_md"))
            for field, value in fields.items()
        }

    @classmethod
    def english(cls, kind: str, piece) -> dict[str, str]:
        return cls.normalized({field: getattr(piece, field) or "" for field in cls.FIELDS[kind]})

    def outdated_fields(self, piece) -> list[str]:
        """The fields this translates whose English changed since it was translated (compared
        in normal form, so line endings or trailing spaces never count as a change)."""
        english = self.english(self.kind, piece)
        source = self.normalized(self.source)
        return [
            field
            for field, value in self.text.items()
            if value and source.get(field, "") != english.get(field, "")
        ]

    def is_outdated(self, piece) -> bool:
        """Whether the English of a field this translates changed since it was translated."""
        return bool(self.outdated_fields(piece))
