"""Settings for Helpline, chosen by environment variables.

The embedded default needs no services: SQLite in ``var/`` and the in-memory
channel layer, one process. Set ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``
to run several ASGI workers behind a proxy with the same code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("HELPLINE_VAR_DIR", BASE_DIR / "var"))
CONTENT_DIR = Path(os.environ.get("HELPLINE_CONTENT_DIR", BASE_DIR / "content"))
# Several workers add up their metrics through files in one directory; it must be
# set before prometheus_client is imported (helpline.common.metrics).
if os.environ.get("HELPLINE_METRICS_DIR") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["HELPLINE_METRICS_DIR"]
    Path(os.environ["HELPLINE_METRICS_DIR"]).mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("HELPLINE_TESTING", False) or "pytest" in sys.modules

SECRET_KEY = os.environ.get("SECRET_KEY", "")
_key_file = Path(os.environ.get("SECRET_KEY_FILE", VAR_DIR / "secret_key"))
if not SECRET_KEY and _key_file.is_file():
    # `make serve` writes a random key here on first run (never committed).
    SECRET_KEY = _key_file.read_text().strip()
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off "
            "(see README: Configuration)."
        )
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "channels",
    "helpline.common",
    "helpline.accounts",
    "helpline.articles",
    "helpline.answers",
    "helpline.chat",
    "helpline.resources",
    "helpline.outreach",
    "helpline.journey",
    "helpline.dashboard",
    # Canned responses and the wrap-up topic list live in a small app of their own.
    "helpline.chat.console",
    "helpline.phone",
]

MIDDLEWARE = [
    # Request id and JSON log context first, then the request counters (HELPLINE_METRICS).
    "helpline.common.logs.RequestContextMiddleware",
    *(["helpline.common.metrics.MetricsMiddleware"] if env_bool("HELPLINE_METRICS", True) else []),
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helpline.common.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Staff must confirm sign-in with a TOTP code (HELPLINE_REQUIRE_2FA).
    "helpline.accounts.middleware.StaffTwoFactorMiddleware",
    # An invited account reaches only its next onboarding step until it has finished.
    "helpline.accounts.middleware.OnboardingMiddleware",
]

ROOT_URLCONF = "helpline.urls"
ASGI_APPLICATION = "helpline.asgi.application"
WSGI_APPLICATION = "helpline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "helpline.common.context_processors.helpline",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# var/ holds the database, the secret key and caches: private to this account (0700);
# the SQLite files are made 0600 when a connection opens (helpline.common.apps).
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)
_default_db = f"sqlite:///{VAR_DIR / 'helpline.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
_test_suffix = os.environ.get("HELPLINE_TEST_DB_SUFFIX", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer commits; IMMEDIATE takes the
        # write lock at BEGIN so concurrent writers wait instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file (not :memory:) so that server processes started by tests share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test_helpline{('_' + _test_suffix) if _test_suffix else ''}.sqlite3")
    }
else:
    _name = DATABASES["default"]["NAME"]
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{_name}{('_' + _test_suffix) if _test_suffix else ''}"
    }
    # chat: PostgreSQL connection pool (Django 5.1+, psycopg-pool). Chat sockets make
    # many short database calls from a thread pool; without a pool each call with
    # CONN_MAX_AGE=0 opens a new connection. Pooling needs CONN_MAX_AGE=0 (connections
    # go back to the pool instead of being kept per thread). DATABASE_POOL_MAX_SIZE=0
    # turns it off.
    _pool_max = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20"))
    if _pool_max > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        # Health checks on checkout, but a round trip only for a connection that sat
        # idle (helpline.common.dbpool): one broken by a server restart is replaced
        # instead of failing the caller's query, and busy connections cost nothing.
        from helpline.common import dbpool as _dbpool  # noqa: E402

        DATABASES["default"]["ENGINE"] = "helpline.common.postgresql"
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, _pool_max),
            "max_size": _pool_max,
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
            "reset": _dbpool.mark_returned,
        }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels and cache ---------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Local sockets and groups per process, group events shared through one Redis
    # pub/sub topic (helpline.chat.layers.RedisBroadcastLayer).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "helpline.chat.layers.RedisBroadcastLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": 1500,
                "prefix": os.environ.get("HELPLINE_CHANNEL_PREFIX", "helpline"),
            },
        }
    }
    # For side-by-side measurement only (bench/chat_load.py --layer pubsub): the
    # maintained channels-redis pub/sub layer instead (pip install channels-redis).
    if os.environ.get("HELPLINE_CHANNEL_LAYER") == "channels_redis_pubsub":
        CHANNEL_LAYERS["default"] = {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL],
                       "prefix": os.environ.get("HELPLINE_CHANNEL_PREFIX", "helpline")},
        }
    # The cache survives a Redis outage: misses instead of errors (helpline.common.cache).
    CACHES = {
        "default": {
            "BACKEND": "helpline.common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("HELPLINE_CHANNEL_PREFIX", "helpline"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    # Channels' in-memory layer minus its per-message O(sockets) sweep.
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "helpline.chat.layers.InMemoryChannelLayer",
                    "CONFIG": {"capacity": 1500}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:staff-home"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalization -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Dates written the same way everywhere (helpline/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["helpline.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Served compressed (gzip, brotli) under content-hashed names with a long cache
# lifetime: `collectstatic` (run by `make serve`) writes them and the manifest.
# The test suite and DEBUG read the source folders directly (no collectstatic
# step, files as edited), with the same middleware.
STATIC_COLLECTED = env_bool("HELPLINE_STATIC_COLLECTED", not (TESTING or DEBUG))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": ("whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_COLLECTED
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"),
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
# Hashed names get whitenoise's ten-year "immutable" lifetime; the unhashed copies
# keep its default minute, so a new deploy is seen at once.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- E-mail ---------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Helpline <helpline@localhost>")
# Mail goes through a counting backend (metrics) to the one that delivers.
if os.environ.get("EMAIL_BACKEND"):
    HELPLINE_EMAIL_DELIVERY_BACKEND = os.environ["EMAIL_BACKEND"]
elif not os.environ.get("EMAIL_HOST"):
    # With no mail server configured, mail is written to the console log.
    HELPLINE_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    HELPLINE_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND = "helpline.common.mail.CountingEmailBackend"

# --- Security -------------------------------------------------------------
# HTTPS is assumed when DEBUG is off; `make serve` on a laptop turns it off.
HTTPS = env_bool("HELPLINE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "helpline.common.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Staff must confirm sign-in with a TOTP code (accounts.middleware). Off by default only
# in the test suite so other apps' tests can sign staff in directly; trust tests turn it on.
HELPLINE_REQUIRE_2FA = env_bool("HELPLINE_REQUIRE_2FA", not TESTING)
# Behind a reverse proxy, the request header that carries the client address
# (e.g. "HTTP_X_FORWARDED_FOR"); empty = use the socket address.
HELPLINE_TRUSTED_PROXY_HEADER = os.environ.get("HELPLINE_TRUSTED_PROXY_HEADER", "")

# --- Helpline -------------------------------------------------------------
HELPLINE = {
    "NAME": os.environ.get("HELPLINE_NAME", "Helpline"),
    "PHONE": os.environ.get("HELPLINE_PHONE", "1-800-555-0199"),
    "EMERGENCY_NUMBER": os.environ.get("HELPLINE_EMERGENCY_NUMBER", "911"),
    "CRISIS_NUMBER": os.environ.get("HELPLINE_CRISIS_NUMBER", "988"),
    "REVIEW_INTERVAL_DAYS": int(os.environ.get("HELPLINE_REVIEW_INTERVAL_DAYS", "365")),
    "QUICK_EXIT_URL": os.environ.get("HELPLINE_QUICK_EXIT_URL", "https://www.weather.gov/"),
}

# --- Retention (helpline purge runs each app's retention.py) -----------------------
HELPLINE_RETENTION = {
    # Conversations, callbacks, questions, referrals, unsubscribed addresses, volunteer
    # sign-ups: anonymized or deleted after this many days (`helpline purge --days` overrides).
    "DAYS": int(os.environ.get("HELPLINE_RETENTION_DAYS", "365")),
    # Newsletter sign-ups never confirmed: deleted after this many days (or after DAYS if
    # that is shorter); no consent was given, so they are not kept for the full period.
    "PENDING_SIGNUP_DAYS": int(os.environ.get("HELPLINE_PENDING_SIGNUP_DAYS", "30")),
}
# Paper size of every PDF (articles, timeline, transcripts): Letter (US) or A4.
_paper = os.environ.get("HELPLINE_PAPER", "Letter").strip().lower()
if _paper not in {"letter", "a4", "legal"}:
    raise ImproperlyConfigured("HELPLINE_PAPER must be Letter, A4 or Legal.")
HELPLINE_PAPER = {"letter": "Letter", "a4": "A4", "legal": "Legal"}[_paper]
PDF_CACHE_DIR = Path(os.environ.get("HELPLINE_PDF_CACHE", VAR_DIR / "pdf"))
ANSWERS_INDEX_DIR = Path(os.environ.get("HELPLINE_ANSWERS_INDEX", VAR_DIR / "answers"))

# --- Operations: logs, metrics, health (docs/operations.md) -------------------
# HELPLINE_LOG_FORMAT=json: one JSON object per line, with the request id.
from helpline.common.logs import logging_config as _logging_config  # noqa: E402

LOGGING = _logging_config(os.environ.get("HELPLINE_LOG_FORMAT", "plain").strip().lower(),
                          os.environ.get("LOG_LEVEL", "INFO"))
# /metrics: allowed to these addresses (direct calls, not through a proxy) or to
# "Authorization: Bearer $HELPLINE_METRICS_TOKEN". HELPLINE_METRICS=0 turns metrics off.
HELPLINE_METRICS = env_bool("HELPLINE_METRICS", True)
HELPLINE_METRICS_TOKEN = os.environ.get("HELPLINE_METRICS_TOKEN", "")
HELPLINE_METRICS_ALLOW = env_list("HELPLINE_METRICS_ALLOW", "127.0.0.1,::1")
# The request counters sit in MIDDLEWARE (above) when HELPLINE_METRICS is on.

# --- Resources and outreach ---------------------------------------------------
# The public address of the site: every link in an e-mail starts with it.
HELPLINE_SITE_URL = os.environ.get("HELPLINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
OUTREACH_SITE_URL = HELPLINE_SITE_URL
# How long a newsletter confirmation link works (seconds).
OUTREACH_CONFIRM_MAX_AGE = int(os.environ.get("HELPLINE_NEWSLETTER_CONFIRM_SECONDS", str(3 * 24 * 3600)))
OUTREACH_DONATION_CURRENCY = os.environ.get("HELPLINE_DONATION_CURRENCY", "usd")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

# --- Chat ---------------------------------------------------------------------
# Overrides of helpline.chat.selectors.DEFAULTS, e.g. HELPLINE_CHAT_PRESENCE_GRACE_SECONDS=30.
# Opening hours: HELPLINE_HOURS (defaults in helpline.chat.hours.DEFAULT_HOURS).
HELPLINE_CHAT = {
    _key[len("HELPLINE_CHAT_"):]: (float(_value) if "." in _value else int(_value))
    for _key, _value in os.environ.items()
    if _key.startswith("HELPLINE_CHAT_") and _value.replace(".", "", 1).isdigit()
}
# Opening hours from the environment as JSON, e.g. '{"chat": {"always_open": true}}'
# (same shape as helpline.chat.hours.DEFAULT_HOURS); used by server processes in tests.
if os.environ.get("HELPLINE_HOURS_JSON"):
    import json as _json

    HELPLINE_HOURS = _json.loads(os.environ["HELPLINE_HOURS_JSON"])

# --- Answers ------------------------------------------------------------------
# Requests per minute per client IP on POST /api/answers and the "Ask" page.
ANSWERS_API_RATE_LIMIT = int(os.environ.get("HELPLINE_ANSWERS_API_RATE_LIMIT", "30"))
ANSWERS_PAGE_RATE_LIMIT = int(os.environ.get("HELPLINE_ANSWERS_PAGE_RATE_LIMIT", "20"))
# Benchmarks only: a MedQuAD-format JSONL indexed next to the articles (never in production).
ANSWERS_EXTRA_CORPUS = os.environ.get("HELPLINE_ANSWERS_EXTRA_CORPUS", "")

# --- Server processes: garbage collector (helpline.common.runtime) ------------
# "20000,20,20" by default; "default" keeps Python's own (700, 10, 10).
from helpline.common.runtime import parse_thresholds as _parse_gc  # noqa: E402

HELPLINE_GC_THRESHOLDS = _parse_gc(os.environ.get("HELPLINE_GC_THRESHOLDS", "20000,20,20"))

# --- Phone line ---------------------------------------------------------------
# Contact logging always works; the Twilio voice webhooks answer only when both
# TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set (docs/phone.md).
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
HELPLINE_PHONE = {
    # Twilio signs the public URL it called. Behind a proxy set PUBLIC_URL
    # (e.g. "https://help.example.org"), or TRUST_FORWARDED to take the scheme and
    # host from X-Forwarded-Proto / X-Forwarded-Host.
    "PUBLIC_URL": os.environ.get("HELPLINE_PHONE_PUBLIC_URL", "").rstrip("/"),
    "TRUST_FORWARDED": env_bool("HELPLINE_PHONE_TRUST_FORWARDED", False),
    # Recording stays off unless the organisation turns it on (callers hear a notice).
    "RECORDING": env_bool("HELPLINE_PHONE_RECORDING", False),
    # Hold audio played between place-in-line announcements ("" = silence).
    "HOLD_AUDIO_URL": os.environ.get("HELPLINE_PHONE_HOLD_AUDIO_URL", ""),
    "ANNOUNCE_EVERY_SECONDS": int(os.environ.get("HELPLINE_PHONE_ANNOUNCE_EVERY_SECONDS", "30")),
    # After this long in the queue the caller is offered a callback by keypad.
    "CALLBACK_OFFER_AFTER_SECONDS": int(os.environ.get("HELPLINE_PHONE_CALLBACK_AFTER_SECONDS",
                                                       "120")),
    "QUEUE_PREFIX": os.environ.get("HELPLINE_PHONE_QUEUE_PREFIX", "helpline"),
}
