from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("topics/", views.topics, name="topics"),
    path("newsletter/", views.newsletter, name="newsletter"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter-confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.newsletter_unsubscribe,
         name="newsletter-unsubscribe"),
    path("volunteer/", views.volunteer, name="volunteer"),
    path("volunteer/staff/", views.volunteer_staff, name="volunteer-staff"),
    path("volunteer/staff/volunteers.csv", views.volunteer_csv, name="volunteer-csv"),
    path("donate/", views.donate, name="donate"),
    path("donate/thanks/", views.donate_thanks, name="donate-thanks"),
    path("donate/staff/", views.donations_staff, name="donations-staff"),
]
