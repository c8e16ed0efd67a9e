from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Guide, GuideVersion


class ChangesFeed(Feed):
    """Every published version of a guide, newest first, as Atom."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Guide:
        return get_object_or_404(Guide.objects.select_related("platform"), slug=slug)

    def title(self, guide: Guide) -> str:
        return f"Changes to the {guide.platform.name} guide · optout"

    def subtitle(self, guide: Guide) -> str:
        return f"Every new version of the {guide.platform.name} AI-training opt-out guide."

    def link(self, guide: Guide) -> str:
        return reverse("guides:changes", args=[guide.slug])

    def items(self, guide: Guide):
        return guide.versions.public().order_by("-number").select_related("guide")[:50]

    def item_title(self, version: GuideVersion) -> str:
        return f"Version {version.number}: {version.change_summary.splitlines()[0][:120]}"

    def item_description(self, version: GuideVersion) -> str:
        text = version.change_summary
        if version.recheck_controls:
            text += "\n\nIf you ticked these before, check them again: " + ", ".join(
                version.recheck_controls
            )
        return text

    def item_link(self, version: GuideVersion) -> str:
        return reverse("guides:change", args=[version.guide.slug, version.number])

    def item_pubdate(self, version: GuideVersion):
        return version.published_at

    def item_updateddate(self, version: GuideVersion):
        return version.published_at
