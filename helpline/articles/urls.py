from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("articles/", views.index, name="index"),
    path("articles/<slug:slug>/", views.detail, name="detail"),
    path("articles/<slug:slug>.pdf", views.article_pdf, name="pdf"),
    path("articles/<slug:slug>/helpful/", views.article_feedback, name="helpful"),
    path("pdfs/", views.pdf_list, name="pdfs"),
    path("staff/editorial/", views.editorial, name="editorial"),
    path("staff/editorial/new/", views.editorial_new, name="editorial-new"),
    path("staff/editorial/<int:pk>/edit/", views.editorial_edit, name="editorial-edit"),
    path("staff/editorial/<int:pk>/edit/preview/", views.editorial_edit_preview,
         name="editorial-edit-preview"),
    path("staff/editorial/<int:pk>/translate/", views.editorial_translate,
         name="editorial-translate"),
    path("staff/editorial/<int:pk>/accept-reference/", views.editorial_accept_reference,
         name="editorial-accept-reference"),
    path("staff/editorial/<int:pk>/", views.editorial_version, name="editorial-version"),
    path("staff/editorial/<int:pk>/export/", views.editorial_export, name="editorial-export"),
    path("staff/editorial/<int:pk>/r<int:number>/", views.editorial_preview,
         name="editorial-preview"),
    path("staff/editorial/<int:pk>/r<int:number>/compare/", views.editorial_compare,
         name="editorial-compare"),
    path("staff/editorial/<int:pk>/questions/", views.editorial_questions,
         name="editorial-questions"),
    path("staff/editorial/<int:pk>/<slug:action>/", views.editorial_action,
         name="editorial-action"),
]
