from django.urls import path

from . import views

app_name = "guides"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/v/<int:number>/", views.detail, name="version"),
    path("<slug:slug>/changes/", views.changes, name="changes"),
]
