"""Twilio voice webhooks (mounted at /hooks/twilio/, outside the language prefix)."""

from django.urls import path

from . import webhooks

urlpatterns = [
    path("voice/", webhooks.incoming, name="phone-voice"),
    path("voice/language/", webhooks.language, name="phone-voice-language"),
    path("voice/wait/<str:lang>/", webhooks.wait, name="phone-voice-wait"),
    path("voice/callback/<str:lang>/", webhooks.callback, name="phone-voice-callback"),
    path("voice/queue-exit/<str:lang>/", webhooks.queue_exit, name="phone-voice-queue-exit"),
    path("voice/connected/<str:lang>/", webhooks.connected, name="phone-voice-connected"),
    path("voice/status/", webhooks.status, name="phone-voice-status"),
    path("voice/agent/", webhooks.agent, name="phone-voice-agent"),
    path("voice/agent/verify/", webhooks.agent_verify, name="phone-voice-agent-verify"),
    path("voice/agent/pin/", webhooks.agent_pin, name="phone-voice-agent-pin"),
    path("voice/agent/next/", webhooks.agent_next, name="phone-voice-agent-next"),
    path("voice/agent/done/", webhooks.agent_done, name="phone-voice-agent-done"),
]
