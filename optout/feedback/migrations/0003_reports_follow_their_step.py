"""Reports live until handled: each report names its step by the step's stable key (its file
name), and records the published version that fixed it. Until now a report closed as soon as any
newer version was published; those reports are reopened here unless their step did change."""

import django.db.models.deletion
from django.db import migrations, models


def signature(step):
    return (
        step.control.key, step.title, step.body_md, step.link, step.link_text,
        step.screenshot.name or "", step.screenshot_alt,
    )  # fmt: skip


def follow_steps(apps, schema_editor):
    Report = apps.get_model("feedback", "MismatchReport")
    Step = apps.get_model("guides", "Step")
    Version = apps.get_model("guides", "GuideVersion")
    steps = {}

    def step(version_id, **where):
        key = (version_id, tuple(sorted(where.items())))
        if key not in steps:
            found = Step.objects.filter(version_id=version_id, **where).select_related("control")
            steps[key] = found.first()
        return steps[key]

    for report in Report.objects.select_related("version").iterator():
        seen = step(report.version_id, order=report.step_order)
        report.step_slug = seen.slug if seen else f"step-{report.step_order}"
        later = Version.objects.filter(
            guide_id=report.version.guide_id, number__gt=report.version.number or 0
        ).order_by("number")
        if report.version.number is not None and seen is not None:
            for version in later:
                now = step(version.pk, slug=seen.slug)
                if now is None or signature(now) != signature(seen):
                    report.fixed_in = version
                    break
        report.save(update_fields=["step_slug", "fixed_in"])


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_roles"),
        ("guides", "0007_guideversion_from_shipped_files"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="mismatchreport", name="report_open"),
        migrations.AddField(
            model_name="mismatchreport",
            name="step_slug",
            field=models.SlugField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="mismatchreport",
            name="fixed_in",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="guides.guideversion",
            ),
        ),
        migrations.RunPython(follow_steps, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="mismatchreport",
            index=models.Index(
                fields=["step_slug", "dismissed_at", "fixed_in"], name="report_open"
            ),
        ),
    ]
