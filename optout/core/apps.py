from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "optout.core"
    verbose_name = "Site operations"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
