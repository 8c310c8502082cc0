from django.urls import path

from . import views

app_name = "common"

# The home page ("common:home") is added by helpline/urls.py: it lists the article
# topics, so its view lives in articles/views.py.
urlpatterns = [
    path("about/", views.about, name="about"),
    path("how-we-review/", views.review_process, name="review-process"),
    path("privacy/", views.privacy, name="privacy"),
    path("content-use/", views.content_use, name="content-use"),
]
