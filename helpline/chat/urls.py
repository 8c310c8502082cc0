from django.urls import path
from django.views.decorators.cache import never_cache

from . import views

app_name = "chat"

# Nothing of a chat may stay in a browser's or a proxy's cache: every page is no-store.
urlpatterns = [
    # Visitor
    path("", never_cache(views.start), name="start"),
    path("room/", never_cache(views.room), name="room"),
    path("end/", never_cache(views.end), name="end"),
    path("feedback/", never_cache(views.feedback), name="feedback"),
    path("transcript/", never_cache(views.transcript), name="transcript"),
    path("callback/", never_cache(views.callback), name="callback"),
    path("callback/requested/", never_cache(views.callback_done), name="callback-done"),
    # Specialist console
    path("console/", never_cache(views.console), name="console"),
    path("console/queue.json", never_cache(views.console_queue_json), name="console-queue"),
    path("console/status/", never_cache(views.console_status), name="console-status"),
    path("console/c/<int:conversation_id>/", never_cache(views.console_conversation), name="console-conversation"),
    path("console/c/<int:conversation_id>/accept/", never_cache(views.console_accept), name="console-accept"),
    path("console/c/<int:conversation_id>/transfer/", never_cache(views.console_transfer), name="console-transfer"),
    path("console/c/<int:conversation_id>/close/", never_cache(views.console_close), name="console-close"),
    path("console/c/<int:conversation_id>/wrapup/", never_cache(views.console_wrapup), name="console-wrapup"),
    path("console/c/<int:conversation_id>/resource/", never_cache(views.console_resource),
         name="console-resource"),
    path("console/c/<int:conversation_id>/outcome/", never_cache(views.console_outcome), name="console-outcome"),
    path("console/c/<int:conversation_id>/suggestions.json", never_cache(views.console_suggestions),
         name="console-suggestions"),
]
