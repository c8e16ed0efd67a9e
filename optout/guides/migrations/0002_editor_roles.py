"""The two editorial roles. Editors change drafts; publishers also publish and verify."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("guides", "view_guide"),
    ("guides", "view_guideversion"),
    ("guides", "add_guideversion"),
    ("guides", "change_guideversion"),
    ("guides", "delete_guideversion"),
    ("guides", "view_auditentry"),
] + [
    ("guides", f"{action}_{model}")
    for model in ("step", "faqentry", "regionrule", "section", "source")
    for action in ("view", "add", "change", "delete")
]
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("guides", "publish_guideversion"),
    ("guides", "verify_guide"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Editors", EDITOR_PERMISSIONS), ("Publishers", PUBLISHER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
