from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "optout.core"
    verbose_name = "Site operations"
