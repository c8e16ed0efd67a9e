from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "optout.feedback"
    verbose_name = "Keeping the guide true"

    def ready(self):
        from optout.guides.signals import version_published

        from .models import MismatchReport

        def close_fixed_reports(sender, version, **kwargs):
            MismatchReport.close_fixed(version)

        version_published.connect(
            close_fixed_reports, weak=False, dispatch_uid="close_fixed_reports"
        )
