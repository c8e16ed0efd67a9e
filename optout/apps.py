from django.contrib.admin.apps import AdminConfig


class OptoutAdminConfig(AdminConfig):
    default_site = "optout.admin_site.OptoutAdminSite"
