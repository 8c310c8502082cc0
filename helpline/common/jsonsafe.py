"""One defensive JSON decoder for every untrusted body and frame.

``json.loads`` accepts input that fails later, far from the parser: nesting deep
enough to exhaust the stack, lone UTF-16 surrogates (``"\\ud800"``) that no
database or encoder will take, integers of thousands of digits (Python refuses
to convert them past 4,300 digits), ``NaN`` and ``Infinity``. :func:`loads`
refuses all of these up front with :class:`MalformedJSON` (a ``ValueError``), so
an interface answers 400 (or an ``error`` frame) instead of a server error.
"""

from __future__ import annotations

import json
import math
import re

__all__ = ["MalformedJSON", "loads", "MAX_DEPTH", "MAX_INT_DIGITS"]

MAX_DEPTH = 32
MAX_INT_DIGITS = 40
_SURROGATE = re.compile("[\ud800-\udfff]")


class MalformedJSON(ValueError):
    """The input is not JSON this service accepts; ``str(exc)`` says why."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise MalformedJSON(f"numbers may have at most {MAX_INT_DIGITS} digits")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 100:
        raise MalformedJSON("number too long")
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJSON("numbers must be finite")
    return value


def _parse_constant(name: str):
    raise MalformedJSON(f"{name} is not JSON")


def _nesting_too_deep(text: str, max_depth: int) -> bool:
    """A cheap upper bound: brackets outside strings, counted without recursion."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    # Strings (with escapes) removed first, so brackets inside them do not count.
    for char in re.sub(r'"(?:[^"\\]|\\.)*"', '""', text):
        if char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _check_strings(value, max_depth: int) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise MalformedJSON(f"nesting deeper than {max_depth} levels")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise MalformedJSON("text contains an unpaired surrogate (invalid Unicode)")
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, depth))
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def loads(data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH):
    """Decode ``data`` (UTF-8 if bytes) or raise :class:`MalformedJSON`."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedJSON("the body is not UTF-8") from None
    if not isinstance(data, str):
        raise MalformedJSON("expected text")
    if _SURROGATE.search(data):
        raise MalformedJSON("text contains an unpaired surrogate (invalid Unicode)")
    if _nesting_too_deep(data, max_depth):
        raise MalformedJSON(f"nesting deeper than {max_depth} levels")
    try:
        value = json.loads(data, parse_int=_parse_int, parse_float=_parse_float,
                           parse_constant=_parse_constant)
    except MalformedJSON:
        raise
    except (ValueError, RecursionError) as exc:
        raise MalformedJSON("not valid JSON") from exc
    _check_strings(value, max_depth)
    return value
