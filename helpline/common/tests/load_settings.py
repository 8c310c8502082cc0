"""Settings for fault-test servers that take a lot of traffic from one address:
the real settings with the answer API's per-address limit raised."""

from helpline.settings import *  # noqa: F401,F403

ANSWERS_API_RATE_LIMIT = 100_000
ANSWERS_PAGE_RATE_LIMIT = 100_000
