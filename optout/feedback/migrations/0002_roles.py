"""Editors and publishers look after reports, watched sources and step checks."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    "view_mismatchreport",
    "change_mismatchreport",
    "view_watchedsource",
    "change_watchedsource",
    "view_stepcheck",
    "add_stepcheck",
    "change_stepcheck",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="feedback", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("guides", "0002_editor_roles")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
