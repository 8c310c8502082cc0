"""Settings for a test server whose URLconf also has failing views."""

from helpline.settings import *  # noqa: F401,F403

ROOT_URLCONF = "helpline.common.tests.faulty_urls"
