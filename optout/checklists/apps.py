from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "optout.checklists"
    verbose_name = "Visitor checklists"
