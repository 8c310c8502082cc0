from django.urls import path

from . import views

app_name = "chat"

urlpatterns = [
    # Visitor
    path("", views.start, name="start"),
    path("room/", views.room, name="room"),
    path("end/", views.end, name="end"),
    path("feedback/", views.feedback, name="feedback"),
    path("transcript/", views.transcript, name="transcript"),
    path("callback/", views.callback, name="callback"),
    path("callback/requested/", views.callback_done, name="callback-done"),
    # Specialist console
    path("console/", views.console, name="console"),
    path("console/queue.json", views.console_queue_json, name="console-queue"),
    path("console/status/", views.console_status, name="console-status"),
    path("console/c/<uuid:token>/", views.console_conversation, name="console-conversation"),
    path("console/c/<uuid:token>/accept/", views.console_accept, name="console-accept"),
    path("console/c/<uuid:token>/transfer/", views.console_transfer, name="console-transfer"),
    path("console/c/<uuid:token>/close/", views.console_close, name="console-close"),
    path("console/c/<uuid:token>/wrapup/", views.console_wrapup, name="console-wrapup"),
    path("console/c/<uuid:token>/outcome/", views.console_outcome, name="console-outcome"),
    path("console/c/<uuid:token>/suggestions.json", views.console_suggestions,
         name="console-suggestions"),
]
