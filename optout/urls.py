from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from optout import views
from optout.feedback import views as feedback_views
from optout.sitemaps import SITEMAPS

# Pages a visitor reads, in every language: English unprefixed, /fr/ and /de/.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("guides/<slug:slug>/report/", feedback_views.report, name="report"),
    path("guides/", include("optout.guides.urls")),
    path("checklist/", include("optout.checklists.urls")),
    prefix_default_language=False,
)
urlpatterns += [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
    path("source/", views.source, name="source"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    re_path(
        r"^media/screenshots/(?P<name>[0-9a-f]{32})\.(?P<ext>png|jpg|webp)$",
        views.media,
        name="media",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]
