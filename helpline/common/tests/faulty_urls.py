"""URLs for the DEBUG-off test server: the real site plus views that fail."""

from django.urls import path

from helpline.urls import handler400, handler403, handler404, handler500  # noqa: F401
from helpline.urls import urlpatterns as site


def boom(request):
    from django.conf import settings

    # The message carries secrets: none of it may reach the visitor.
    raise RuntimeError(f"boom secret={settings.SECRET_KEY} password=hunter2-leak")


urlpatterns = [
    path("boom/", boom),
    path("api/boom", boom),
    *site,
]
