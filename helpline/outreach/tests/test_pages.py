import pytest
from django.test import Client

PUBLIC = ["topics/", "newsletter/", "volunteer/", "donate/", "donate/thanks/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize("lang, marker", [("en", 'lang="en"'), ("es", 'lang="es"')])
def test_public_pages_render_in_both_languages(client: Client, path, lang, marker):
    response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert marker in html
    assert "<script>" not in html and ' style="' not in html
