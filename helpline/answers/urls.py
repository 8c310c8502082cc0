from django.urls import path

from . import views

app_name = "answers"

urlpatterns = [
    path("", views.ask, name="ask"),
    path("helpful/", views.ask_feedback, name="helpful"),
    path("unanswered/", views.unanswered, name="unanswered"),
    path("unanswered/link/", views.unanswered_link, name="unanswered-link"),
]
