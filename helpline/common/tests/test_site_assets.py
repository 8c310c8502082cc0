"""Favicon and web manifest; the visitor chat launcher on public pages only."""

import pytest

from helpline.accounts import roles
from helpline.accounts.testing import make_staff

pytestmark = pytest.mark.django_db


def _fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (301, 302)
    icon, body = _fetch(client, response["Location"])
    assert icon.status_code == 200 and body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    home = client.get("/en/").content.decode()
    assert 'rel="icon"' in home and 'rel="manifest" href="/manifest.webmanifest"' in home


def test_web_manifest_names_the_helpline_and_its_icons_exist(client, settings):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == settings.HELPLINE["NAME"] and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        fetched, body = _fetch(client, icon["src"])
        assert fetched.status_code == 200 and body, icon["src"]


@pytest.mark.parametrize("path", ["/en/", "/es/ask/", "/en/timeline/", "/en/resources/"])
def test_public_pages_have_the_launcher(client, path):
    assert 'id="chat-launcher"' in client.get(path).content.decode()


@pytest.mark.parametrize("path", ["/en/staff/", "/en/staff/editorial/", "/es/staff/dashboard/",
                                  "/en/resources/staff/"])
def test_staff_pages_have_no_visitor_launcher(client, path):
    client.force_login(make_staff("sue", roles.SUPERVISOR, roles.EDITOR))
    response = client.get(path)
    assert response.status_code == 200, path
    assert 'id="chat-launcher"' not in response.content.decode()
