"""The staff home page links each person to the tools their roles allow."""

import pytest

from helpline.accounts.testing import make_staff


@pytest.mark.django_db
def test_staff_home_links_follow_roles(client):
    sup = make_staff("sue", "supervisor")
    client.force_login(sup)
    html = client.get("/es/staff/").content.decode()
    assert "Consola de especialistas" in html and "Panel de supervisión" in html, html
    ed = make_staff("ed", "editor")
    client.force_login(ed)
    html = client.get("/en/staff/").content.decode()
    assert "Editorial workflow" in html and "Specialist console" not in html
