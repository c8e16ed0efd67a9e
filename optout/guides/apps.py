from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "optout.guides"
    verbose_name = "Guides"
