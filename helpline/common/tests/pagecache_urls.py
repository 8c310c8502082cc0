"""A page shared through the page cache whose language comes from the language cookie or
Accept-Language (no language prefix in its URL), for test_pagecache_asgi."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from helpline.common import pagecache


@require_safe
def shared(request: HttpRequest) -> HttpResponse:
    key = pagecache.page_key(request) if pagecache.shareable(request) else None
    if key is not None and (page := pagecache.lookup(key)) is not None:
        return pagecache.respond(request, page, shared=True, fresh_for=60)
    response = HttpResponse(f"<p>{_('English')}</p>")
    return pagecache.finish(request, response, key=key, last_modified=None, fresh_for=60)


urlpatterns = [path("shared/", shared, name="shared")]
