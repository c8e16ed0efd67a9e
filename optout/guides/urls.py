from django.urls import path

from optout.i18n import not_redirected

from . import views
from .feeds import ChangesFeed

app_name = "guides"
urlpatterns = [
    path("<slug:slug>.json", views.version_json, name="json"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/v/<int:number>/", views.detail, name="version"),
    path("<slug:slug>/v/<int:number>.json", views.version_json, name="version_json"),
    path("<slug:slug>/changes/", views.changes, name="changes"),
    path("<slug:slug>/changes/feed/", not_redirected(ChangesFeed()), name="feed"),
    path("<slug:slug>/changes/<int:number>/", views.change, name="change"),
    path("<slug:slug>/draft/<int:pk>/", views.preview, name="preview"),
]
