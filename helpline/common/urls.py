from django.urls import path

from . import views

app_name = "common"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("how-we-review/", views.review_process, name="review-process"),
    path("privacy/", views.privacy, name="privacy"),
    path("content-use/", views.content_use, name="content-use"),
]
