import pytest
from django.test import Client

PAGES = {
    "topics/": ("Topics we can help with", "Temas en los que podemos ayudar"),
    "newsletter/": ("Get our newsletter", "Reciba nuestro boletín"),
    "volunteer/": ("Get involved: volunteer with us", "Participe: sea voluntario con nosotros"),
    "donate/": ("Donate", "Donar"),
    "donate/thanks/": ("Thank you", "Gracias"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_public_pages_render_in_both_languages(client: Client, path, lang):
    response = client.get(f"/{lang}/{path}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    heading = PAGES[path][0 if lang == "en" else 1]
    assert f"<h1>{heading}</h1>" in html
    # Content security policy: no inline script or style.
    assert "<script>" not in html and ' style="' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_form_input_has_a_label(client: Client, lang):
    import re

    for path in ("newsletter/", "volunteer/"):
        html = client.get(f"/{lang}/{path}").content.decode()
        ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
        assert ids
        for input_id in ids:
            assert f'for="{input_id}"' in html, (path, input_id)


@pytest.mark.django_db
def test_spanish_form_errors_are_in_spanish(client: Client):
    html = client.post("/es/volunteer/", {"zip_code": "99999", "email": "x"}).content.decode()
    assert "No encontramos este código postal" in html
