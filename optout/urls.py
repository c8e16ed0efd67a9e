import os

from django.contrib import admin
from django.urls import include, path, re_path

from optout import views

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("guides/", include("optout.guides.urls")),
    path("checklist/", include("optout.checklists.urls")),
    re_path(
        r"^media/screenshots/(?P<name>[0-9a-f]{32})\.(?P<ext>png|jpg|webp)$",
        views.media,
        name="media",
    ),
    path(ADMIN_URL, admin.site.urls),
]
