from django.urls import path

from . import views

urlpatterns = [
    path("answers", views.api_answers, name="api-answers"),
    path("answers/feedback", views.api_feedback, name="api-answers-feedback"),
]
