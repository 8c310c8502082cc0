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


# --- Daily series -------------------------------------------------------------

SERIES_HEIGHT = 150  # plot area
SERIES_LEFT = 36     # room for the value labels of the y axis
SERIES_BOTTOM = 20   # room for the date labels
SERIES_TOP = 8
DAY_LABEL = {"en": "M j", "es": "j M"}


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    series: int


@dataclass(frozen=True)
class Line:
    points: str
    series: int


def _nice_ceiling(value: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``value`` (the top of the y axis)."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def daily_chart(days: list, series: list[tuple[str, list]], *, kind: str = "stacked",
                language: str = "en") -> dict:
    """Geometry for one value per day and series: stacked columns, or lines (None = gap).

    ``series`` is [(label, [value per day]), ...]; a day's stacked total or a line's
    highest value sets the top of the y axis, with three labelled grid lines.
    """
    from django.utils.dateformat import format as dateformat

    count = max(len(days), 1)
    plot_width = WIDTH - SERIES_LEFT
    step = plot_width / count
    if kind == "stacked":
        peak = max((sum(values[i] or 0 for _label, values in series) for i in range(len(days))),
                   default=0)
    else:
        peak = max((v for _label, values in series for v in values if v is not None), default=0)
    top = _nice_ceiling(peak)
    bottom = SERIES_TOP + SERIES_HEIGHT

    def y(value: float) -> float:
        return round(bottom - SERIES_HEIGHT * (value / top), 1)

    columns: list[Column] = []
    lines: list[Line] = []
    if kind == "stacked":
        width = round(max(step * 0.7, 1), 1)
        for i in range(len(days)):
            base = 0.0
            for index, (_label, values) in enumerate(series):
                value = values[i] or 0
                if value:
                    columns.append(Column(x=round(SERIES_LEFT + i * step + (step - width) / 2, 1),
                                          y=y(base + value), width=width,
                                          height=round(SERIES_HEIGHT * value / top, 1),
                                          series=index))
                base += value
    else:
        for index, (_label, values) in enumerate(series):
            run: list[str] = []
            for i, value in enumerate(values + [None]):
                if value is None:
                    if run:
                        lines.append(Line(points=" ".join(run), series=index))
                    run = []
                else:
                    run.append(f"{round(SERIES_LEFT + i * step + step / 2, 1)},{y(value)}")
    grid = [{"y": y(value), "label": f"{value:g}"} for value in (0, top / 2, top)]
    fmt = DAY_LABEL.get(language, DAY_LABEL["en"])
    marks = sorted({0, (len(days) - 1) // 2, len(days) - 1}) if days else []
    last = len(days) - 1

    def anchor(i: int) -> str:
        if last == 0:
            return "middle"
        return "start" if i == 0 else ("end" if i == last else "middle")

    ticks = [{"x": round(SERIES_LEFT + i * step + step / 2, 1), "label": dateformat(days[i], fmt),
              "anchor": anchor(i)} for i in marks]
    return {
        "kind": kind, "width": WIDTH, "height": bottom + SERIES_BOTTOM, "left": SERIES_LEFT,
        "bottom": bottom, "columns": columns, "lines": lines, "grid": grid, "ticks": ticks,
        "legend": [{"label": label, "series": index} for index, (label, _v) in enumerate(series)],
        "rows": [{"day": day, "values": [values[i] for _label, values in series]}
                 for i, day in enumerate(days)],
        "empty": not any(v for _label, values in series for v in values),
    }
