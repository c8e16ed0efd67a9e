from django.db import migrations, models

# The change summary `installguides` has always given the first version it installs.
INSTALLED = "First version, from the shipped guide files."


def mark_installed_versions(apps, schema_editor):
    """Versions installed from the shipped files before this field existed."""
    GuideVersion = apps.get_model("guides", "GuideVersion")
    GuideVersion.objects.filter(
        number=1, change_summary=INSTALLED, published_by__isnull=True
    ).update(from_shipped_files=True)


class Migration(migrations.Migration):
    dependencies = [("guides", "0006_step_faq_file_names_no_raw_html")]

    operations = [
        migrations.AddField(
            model_name="guideversion",
            name="from_shipped_files",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_installed_versions, migrations.RunPython.noop),
    ]
