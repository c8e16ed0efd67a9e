from django.contrib.admin.apps import AdminConfig


class OptoutAdminConfig(AdminConfig):
    default_site = "optout.admin_site.OptoutAdminSite"

    def ready(self):
        super().ready()
        from optout import security  # noqa: F401 (counts failed logins per client)
