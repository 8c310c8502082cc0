import pytest

from .mailserver import smtp_server, smtp_settings


@pytest.fixture
def mailserver(settings):
    """(inbox, port): a real SMTP server on 127.0.0.1, with Django pointed at it."""
    with smtp_server() as (inbox, port):
        smtp_settings(settings, port)
        yield inbox


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def staff_user(username: str, *role_names: str):
    """A staff user in roles, with the role groups' permissions brought up to date
    (groups made at migrate time may predate this app's permissions)."""
    from helpline.accounts.roles import ensure_roles
    from helpline.common.testing import make_staff

    ensure_roles()
    return make_staff(username, *role_names)
