from django.contrib import admin

from optout import clock
from optout.guides.models import Guide, GuideVersion


class OptoutAdminSite(admin.AdminSite):
    site_header = "optout editors"
    site_title = "optout editors"
    index_title = "What needs attention"

    def index(self, request, extra_context=None):
        today = clock.today()
        guides = Guide.objects.select_related("platform")
        context = {
            "stale_guides": [guide for guide in guides if guide.is_stale(today)],
            "open_drafts": GuideVersion.objects.drafts().select_related("guide", "created_by"),
            **(extra_context or {}),
        }
        return super().index(request, context)
