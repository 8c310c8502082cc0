"""Ask citations write the review date exactly as the cited article page does."""

import re

import pytest


@pytest.mark.parametrize("lang, question", [
    ("en", "How do doctors grade cytokine release syndrome?"),
    ("es", "¿Qué es el síndrome de liberación de citocinas?"),
])
def test_citation_date_matches_the_article_page(client, knowledge_base, lang, question):
    html = client.post(f"/{lang}/ask/", {"question": question}).content.decode()
    sources = re.findall(r'<p class="source">\s*\S+ <a href="([^"]+)"[^>]*>.*?</a>\.\s*(.*?)\s*(?:<span|</p>)',
                         html, re.S)
    assert sources, html[:3000]
    for url, reviewed in sources:
        article = client.get(url.split("#")[0]).content.decode()
        # Reviewed articles show "Last reviewed", bundled ones "Last updated" until a review.
        shown = re.search(r"<time [^>]*data-last-(?:reviewed|updated)>([^<]+)</time>", article).group(1)
        assert shown in reviewed, (reviewed, shown)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", reviewed)
        if lang == "es":
            assert " de " in shown
