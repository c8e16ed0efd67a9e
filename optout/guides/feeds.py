from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Guide, GuideVersion
from .translation import localize_change_summaries


class ChangesFeed(Feed):
    """Every published version of a guide, newest first, as Atom."""

    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Guide:
        return get_object_or_404(Guide.objects.select_related("platform"), slug=slug)

    def title(self, guide: Guide) -> str:
        return _("Changes to the %(platform)s guide · optout") % {"platform": guide.platform.name}

    def subtitle(self, guide: Guide) -> str:
        return _("Every new version of the %(platform)s AI-training opt-out guide.") % {
            "platform": guide.platform.name
        }

    def link(self, guide: Guide) -> str:
        return reverse("guides:changes", args=[guide.slug])

    def items(self, guide: Guide):
        versions = list(guide.versions.public().order_by("-number").select_related("guide")[:50])
        return localize_change_summaries(versions)

    def item_title(self, version: GuideVersion) -> str:
        return _("Version %(number)s: %(summary)s") % {
            "number": version.number,
            "summary": version.change_summary.splitlines()[0][:120],
        }

    def item_description(self, version: GuideVersion) -> str:
        text = version.change_summary
        if version.recheck_controls:
            text += "\n\n" + _("If you ticked these before, check them again: %(names)s") % {
                "names": ", ".join(version.recheck_controls)
            }
        return text

    def item_link(self, version: GuideVersion) -> str:
        return reverse("guides:change", args=[version.guide.slug, version.number])

    def item_pubdate(self, version: GuideVersion):
        return version.published_at

    def item_updateddate(self, version: GuideVersion):
        return version.published_at
