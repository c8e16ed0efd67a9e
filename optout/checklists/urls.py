from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("export.json", views.export, name="export"),
    path("delete/", views.delete, name="delete"),
    path("code/", views.resume_code, name="code"),
    path("resume/", views.resume, name="resume"),
    path("reminder.ics", views.reminder, name="reminder"),
    path("<slug:slug>/<slug:key>/", views.toggle, name="toggle"),
]
