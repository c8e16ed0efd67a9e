from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from optout.guides.models import GuideVersion


class TranslatedSitemap(Sitemap):
    """Every page in every language, each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True

    # Addresses from SITE_URL, never from the request's Host header.
    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(TranslatedSitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "privacy"]

    def location(self, item):
        return reverse(item)


class GuidesSitemap(TranslatedSitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return GuideVersion.objects.published().select_related("guide").order_by("guide__slug")

    def location(self, version):
        return version.guide.get_absolute_url()

    def lastmod(self, version):
        return version.published_at


class ChangesSitemap(GuidesSitemap):
    priority = 0.3

    def location(self, version):
        return reverse("guides:changes", args=[version.guide.slug])


SITEMAPS = {"pages": PagesSitemap, "guides": GuidesSitemap, "changes": ChangesSitemap}
