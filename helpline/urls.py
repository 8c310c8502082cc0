from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from helpline.articles import views as article_views
from helpline.common import metrics as common_metrics
from helpline.common import urls as common_urls
from helpline.common import views as common_views

admin.site.site_header = "Helpline staff administration"
admin.site.site_title = "Helpline admin"

# Not language-prefixed: machine endpoints and the sitemap.
urlpatterns = [
    path("", common_views.root_redirect, name="root"),
    path("sitemap.xml", article_views.sitemap, name="sitemap"),
    path("robots.txt", common_views.robots_txt, name="robots"),
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("metrics", common_metrics.metrics_view, name="metrics"),

    path("favicon.ico", common_views.favicon, name="favicon"),
    path("manifest.webmanifest", common_views.web_manifest, name="web-manifest"),
    path("api/openapi.json", include("helpline.common.openapi_urls")),
    path("api/", include("helpline.answers.api_urls")),
    path("hooks/", include("helpline.outreach.hook_urls")),
    path("hooks/twilio/", include("helpline.phone.hook_urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    # The project composes: the home page lists articles, so its view is the articles app's.
    path("", include(([path("", article_views.home, name="home"), *common_urls.urlpatterns],
                      common_urls.app_name))),
    path("", include("helpline.articles.urls")),
    path("ask/", include("helpline.answers.urls")),
    path("chat/", include("helpline.chat.urls")),
    path("resources/", include("helpline.resources.urls")),
    path("", include("helpline.outreach.urls")),
    path("timeline/", include("helpline.journey.urls")),
    path("staff/", include("helpline.accounts.urls")),
    path("", include("helpline.common.trust_urls")),
    path("staff/dashboard/", include("helpline.dashboard.urls")),
    path("phone/", include("helpline.phone.urls")),
    prefix_default_language=True,
)

handler400 = "helpline.common.views.bad_request"
handler403 = "helpline.common.views.permission_denied"
handler404 = "helpline.common.views.page_not_found"
handler500 = "helpline.common.views.server_error"
