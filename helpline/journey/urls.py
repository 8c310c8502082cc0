from django.urls import path

from . import views

app_name = "journey"

urlpatterns = [
    path("", views.timeline_page, name="timeline"),
    path("calendar.ics", views.export_ics, name="export-ics"),
    path("timeline.pdf", views.export_pdf, name="export-pdf"),
    path("save/", views.save, name="save"),
    path("saved/<str:token>/", views.saved, name="saved"),
    path("saved/<str:token>/calendar.ics", views.saved_ics, name="saved-ics"),
    path("saved/<str:token>/timeline.pdf", views.saved_pdf, name="saved-pdf"),
    path("saved/<str:token>/delete/", views.saved_delete, name="saved-delete"),
    path("at-home/", views.at_home, name="at-home"),
]
