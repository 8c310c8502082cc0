from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.staff_home, name="staff-home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("two-factor/enrol/<str:code>/", views.otp_enrol, name="otp-enrol"),
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("welcome/chat/", views.onboarding_chat, name="onboarding-chat"),
    path("welcome/<str:code>/", views.welcome, name="welcome"),
    path("people/", views.staff_list, name="staff-list"),
    path("people/invite/", views.staff_invite, name="staff-invite"),
    path("people/<int:user_id>/deactivate/", views.staff_deactivate, name="staff-deactivate"),
    path("people/<int:user_id>/reinvite/", views.staff_reinvite, name="staff-reinvite"),
    path("people/<int:user_id>/", views.staff_edit, name="staff-edit"),
    path("audit/", views.audit_log, name="audit-log"),
    # <ref>: the conversation's id signed for the viewer's session (chat.transcripts)
    path("transcripts/<str:ref>/", views.transcript, name="transcript"),
    path("transcripts/<str:ref>.csv", views.transcript_csv, name="transcript-csv"),
    path("transcripts/<str:ref>.pdf", views.transcript_pdf, name="transcript-pdf"),
]
