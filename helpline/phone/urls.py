from django.urls import path

from . import views

app_name = "phone"

urlpatterns = [
    path("", views.index, name="index"),
    path("log/", views.log_call, name="log"),
    path("c/<uuid:token>/", views.record, name="record"),
    path("agent-line/", views.agent_line, name="agent-line"),
]
