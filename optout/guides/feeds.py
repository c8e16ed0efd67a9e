from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Guide, GuideVersion
from .translation import localize_change_summaries, section_names


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text: an editor's `<b>` or `<script>` in a change summary
    shows as those characters in feed readers, never as markup (Django declares Atom summaries
    as HTML). An entry left in English in a translated feed says so with xml:lang."""

    def item_attributes(self, item):
        return {"xml:lang": item["lang"]} if item.get("lang") else {}

    def add_item_elements(self, handler, item):
        description, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        if description:
            handler.addQuickElement("summary", description, {"type": "text"})


class ChangesFeed(Feed):
    """Every published version of a guide, newest first, as Atom (RFC 4287). Every link and id
    is built from SITE_URL, so entry ids stay the same whatever host name the feed was fetched
    by; an entry's id is its version's change page, which never changes."""

    feed_type = TextSummaryAtomFeed
    author_name = "optout"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"  # web-based feed readers
        return response

    def get_object(self, request, slug: str) -> Guide:
        return get_object_or_404(Guide.objects.select_related("platform"), slug=slug)

    def author_link(self) -> str:
        return settings.SITE_URL + reverse("home")

    def title(self, guide: Guide) -> str:
        return _("Changes to the %(platform)s guide · optout") % {"platform": guide.platform.name}

    def subtitle(self, guide: Guide) -> str:
        return _("Every new version of the %(platform)s AI-training opt-out guide.") % {
            "platform": guide.platform.name
        }

    def link(self, guide: Guide) -> str:
        return settings.SITE_URL + reverse("guides:changes", args=[guide.slug])

    def feed_url(self, guide: Guide) -> str:
        return settings.SITE_URL + reverse("guides:feed", args=[guide.slug])

    def items(self, guide: Guide):
        versions = list(guide.versions.public().order_by("-number").select_related("guide")[:50])
        if versions:
            # Controls by name, as the newest version and the reader's language call them.
            names = section_names(versions[0])
            for version in versions:
                version.recheck_names = [names.get(k, k) for k in version.recheck_controls]
        return localize_change_summaries(versions)

    def item_title(self, version: GuideVersion) -> str:
        return _("Version %(number)s: %(summary)s") % {
            "number": version.number,
            "summary": version.change_summary.splitlines()[0][:120],
        }

    def item_description(self, version: GuideVersion) -> str:
        text = version.change_summary
        if version.recheck_names:
            text += "\n\n" + _("If you ticked these before, check them again: %(names)s") % {
                "names": ", ".join(version.recheck_names)
            }
        return text

    def item_link(self, version: GuideVersion) -> str:
        return settings.SITE_URL + reverse(
            "guides:change", args=[version.guide.slug, version.number]
        )

    def item_extra_kwargs(self, version: GuideVersion) -> dict:
        # A summary nobody translated is shown in English, and says so.
        return {"lang": "en" if version.summary_state == "missing" else None}

    def item_pubdate(self, version: GuideVersion):
        return version.published_at

    def item_updateddate(self, version: GuideVersion):
        return version.published_at
