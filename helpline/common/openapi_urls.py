"""/api/openapi.json (mounted by one line in helpline/urls.py)."""

from django.urls import path

from . import trust_views

urlpatterns = [path("", trust_views.openapi_json, name="openapi")]
