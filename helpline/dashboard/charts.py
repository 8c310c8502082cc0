"""Server-rendered horizontal bar charts: pure geometry, drawn by a template as SVG.

Each bar gets its label on a line of its own above it, so long labels stay
readable on a 360 px phone; the value is printed at the end of the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320          # viewBox width; the SVG scales to its container
ROW_HEIGHT = 42      # label line + bar
BAR_HEIGHT = 16
VALUE_SPACE = 64     # room kept at the right for the printed value


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    width: float
    label_y: float
    bar_y: float
    value_x: float
    value_y: float


def bar_chart(rows: list[tuple[str, float]], *, fmt: str = "{:g}") -> dict:
    """Geometry for ``rows`` of (label, value); values must be >= 0."""
    peak = max((value for _label, value in rows), default=0) or 1
    usable = WIDTH - VALUE_SPACE
    bars = []
    for index, (label, value) in enumerate(rows):
        top = index * ROW_HEIGHT
        width = round(usable * (value / peak), 1) if value else 0
        bars.append(
            Bar(
                label=str(label), value=value, display=fmt.format(value), width=max(width, 0),
                label_y=top + 14, bar_y=top + 20, value_x=width + 6, value_y=top + 20 + 13,
            )
        )
    return {"bars": bars, "width": WIDTH, "height": max(len(rows), 1) * ROW_HEIGHT + 4,
            "bar_height": BAR_HEIGHT, "empty": not rows}
