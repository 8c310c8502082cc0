"""Visitor privacy pages (language-prefixed)."""

from django.urls import path
from django.views.decorators.cache import never_cache

from . import trust_views

app_name = "trust"

urlpatterns = [
    path("my-chat/delete/", never_cache(trust_views.delete_my_conversation), name="delete-conversation"),
]
