"""The shared defensive JSON decoder."""

from __future__ import annotations

import pytest

from helpline.common.jsonsafe import MalformedJSON, loads


@pytest.mark.parametrize("raw", [
    "[" * 1000 + "]" * 1000,
    '{"a":' * 100 + "1" + "}" * 100,
    '"\\ud800"',
    '{"q": "x\\udc00y"}',
    '{"\\ud83d": 1}',
    "1" * 4400,
    '{"n": -' + "9" * 60 + "}",
    "NaN",
    '{"x": Infinity}',
    "1e999",
    b"\xff\xfe",
    "{",
])
def test_refused(raw):
    with pytest.raises(MalformedJSON):
        loads(raw)


def test_accepted():
    assert loads('{"q": "¿fiebre? \\ud83d\\ude00 [not] {nested}", "n": [1, 2.5, -3]}') == {
        "q": "¿fiebre? 😀 [not] {nested}", "n": [1, 2.5, -3]}
    assert loads(b'[[["ok"]]]') == [[["ok"]]]
