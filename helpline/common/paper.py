"""The paper size of every PDF the site makes (``HELPLINE_PAPER``: Letter or A4).

Stylesheets leave ``size`` out of their ``@page`` rules; ``stylesheet()`` is
passed last to WeasyPrint so the setting decides.
"""

from __future__ import annotations

from django.conf import settings


def name() -> str:
    return settings.HELPLINE_PAPER


def stylesheet():
    from weasyprint import CSS

    return CSS(string=f"@page {{ size: {name()}; }}")
