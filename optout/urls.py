from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from optout import views
from optout.feedback import views as feedback_views
from optout.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("guides/<slug:slug>/report/", feedback_views.report, name="report"),
    path("guides/", include("optout.guides.urls")),
    path("checklist/", include("optout.checklists.urls")),
    re_path(
        r"^media/screenshots/(?P<name>[0-9a-f]{32})\.(?P<ext>png|jpg|webp)$",
        views.media,
        name="media",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]
