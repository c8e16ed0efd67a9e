"""System checks for settings a wrong value of which would only show much later."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.urls)
def check_site_url(app_configs, **kwargs):
    url = urlsplit(settings.SITE_URL)
    if url.scheme not in ("http", "https") or not url.hostname or url.path or url.query:
        return [
            Error(
                f"SITE_URL must be the site's address, like https://optout.example.org, "
                f"not {settings.SITE_URL!r}.",
                id="optout.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_site_url_is_set(app_configs, **kwargs):
    if os.environ.get("SITE_URL"):
        return []
    return [
        Warning(
            f"SITE_URL is not set, so feed ids, the sitemap and the JSON name {settings.SITE_URL}.",
            hint="Set SITE_URL to the site's public address, like https://optout.example.org.",
            id="optout.W001",
        )
    ]
