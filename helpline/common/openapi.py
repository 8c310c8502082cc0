"""The OpenAPI 3.0 description of Helpline's public JSON API.

Served at ``/api/openapi.json`` and fuzzed with schemathesis in
``tests/test_fuzz_api.py``. Staff-only endpoints (the chat console's JSON) are
not part of the public API and are not described here.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "oneOf": [
                {"type": "string"},
                {"type": "object", "properties": {"code": {"type": "string"},
                                                  "message": {"type": "string"}},
                 "required": ["code", "message"]},
            ]
        },
        "message": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["error"],
}

RATE_LIMITED = {
    "description": "Too many requests from this address; wait and retry.",
    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
    "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"error": {"type": "string", "enum": ["rate_limited"]},
                       "message": {"type": "string"},
                       "retry_after": {"type": "integer", "minimum": 1}},
        "required": ["error", "message", "retry_after"],
    }}},
}

PASSAGE = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "article": {"type": "string"},
        "section": {"type": "string"},
        "url": {"type": "string"},
        "lang": {"type": "string", "enum": ["en", "es"]},
        "last_reviewed": {"type": "string", "nullable": True},
        "score": {"type": "number"},
    },
    "required": ["text", "url", "lang"],
}

ANSWER = {
    "type": "object",
    "properties": {
        "status": {"type": "string", "enum": ["answered", "no_answer", "urgent"]},
        "lang": {"type": "string", "enum": ["en", "es"]},
        "passages": {"type": "array", "items": PASSAGE},
        "message": {"type": "string"},
        "handoff": {"type": "object"},
        "confidence": {"type": "number"},
        "fallback_language": {"type": "boolean"},
        "urgent": {"type": "object", "nullable": True},
        "log_token": {"type": "string", "format": "uuid", "nullable": True},
    },
    "required": ["status", "lang", "passages", "message"],
}


def openapi_document(server_url: str = "") -> dict:
    doc = {
        "openapi": "3.0.3",
        "info": {
            "title": "Helpline public API",
            "version": "1.0",
            "description": (
                "Answers quoted from reviewed articles, and service health. "
                "All text is plain text: escape it when you render it. Requests are "
                "rate-limited per address (HTTP 429 with Retry-After)."
            ),
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "paths": {
            "/api/answers": {
                "post": {
                    "operationId": "answerQuestion",
                    "summary": "Answer a question from the reviewed articles",
                    "description": (
                        "Returns passages quoted from published articles with their source, "
                        "or no_answer with a handoff to a specialist, or — when the question "
                        "describes urgent symptoms — the reviewed urgent message."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "question": {"type": "string", "minLength": 1,
                                             "maxLength": 1000},
                                "lang": {"type": "string", "enum": ["en", "es"]},
                                "channel": {"type": "string",
                                            "enum": ["api", "web", "phone", "sms", "chat"]},
                            },
                            "required": ["question"],
                        }}},
                    },
                    "responses": {
                        "200": {"description": "An answer, no answer, or the urgent message.",
                                "content": {"application/json": {"schema": ANSWER}}},
                        "400": {"description": "Malformed JSON or a bad field.",
                                "content": {"application/json": {"schema": ERROR}}},
                        "405": {"description": "Only POST is allowed.",
                                "content": {"application/json": {"schema": ERROR}}},
                        "413": {"description": "The body is too large."},
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/api/answers/feedback": {
                "post": {
                    "operationId": "answerFeedback",
                    "summary": "Was this answer helpful? (one vote per answer; the last counts)",
                    "description": (
                        "Keyed by the log_token of an answer. Nothing about the person is "
                        "stored: yes or no, and for no an optional reason from a closed list. "
                        "A no puts the question in front of our editors."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {
                                "log_token": {"type": "string", "format": "uuid"},
                                "helpful": {"type": "boolean"},
                                "reason": {"type": "string", "enum": [
                                    "not_answered", "unclear", "incomplete", "other"]},
                            },
                            "required": ["log_token", "helpful"],
                        }}},
                    },
                    "responses": {
                        "200": {"description": "The vote is stored.",
                                "content": {"application/json": {"schema": {
                                    "type": "object",
                                    "properties": {"ok": {"type": "boolean"}},
                                    "required": ["ok"]}}}},
                        "400": {"description": "Malformed JSON, an unknown answer or a bad "
                                               "field.",
                                "content": {"application/json": {"schema": ERROR}}},
                        "405": {"description": "Only POST is allowed.",
                                "content": {"application/json": {"schema": ERROR}}},
                        "413": {"description": "The body is too large."},
                        "429": RATE_LIMITED,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness: the process answers",
                    "responses": {
                        "200": {"description": "Alive.", "content": {"application/json": {
                            "schema": {"type": "object",
                                       "properties": {"status": {"type": "string"}},
                                       "required": ["status"]}}}},
                    },
                }
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "Readiness: database, Redis when configured, the answer index",
                    "responses": {
                        "200": {"description": "Every part is ready.", "content": {"application/json": {
                            "schema": {"type": "object",
                                       "properties": {"status": {"type": "string"},
                                                      "parts": {"type": "object"}},
                                       "required": ["status", "parts"]}}}},
                        "503": {"description": "A part is not ready; `failing` names it.",
                                "content": {"application/json": {"schema": {"type": "object"}}}},
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description",
                    "responses": {"200": {"description": "OpenAPI 3 document.",
                                          "content": {"application/json": {
                                              "schema": {"type": "object"}}}}},
                }
            },
        },
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
