"""Visitor privacy pages (language-prefixed)."""

from django.urls import path

from . import trust_views

app_name = "trust"

urlpatterns = [
    path("my-chat/delete/", trust_views.delete_my_conversation, name="delete-conversation"),
]
