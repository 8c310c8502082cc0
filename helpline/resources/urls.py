from django.urls import path

from . import views

app_name = "resources"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("email/", views.email_list, name="email"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/referrals/<int:pk>/", views.referral_detail, name="referral"),
]
