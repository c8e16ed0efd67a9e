from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "optout.feedback"
    verbose_name = "Keeping the guide true"
