"""Bar charts as SVG, drawn on the server: no JavaScript, nothing from another host.

The page's Content-Security-Policy forbids inline `style` attributes, so every colour and size is
a presentation attribute (`fill=`, `font-size=`). Each chart has a `<title>` and the page shows
its numbers in a table beside it; the SVG itself is one image to assistive technology. Bars are
dark on white with the value written at their end, so a black-and-white print stays readable.
A row whose value is withheld (an export's small cell) has no bar, only its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 8
FONT_SIZE = 12
MAX_LABEL = 34
BAR_FILL = "#1d4f7c"
TEXT_FILL = "#1b1f24"
GRID_STROKE = "#8a939e"


@dataclass(frozen=True)
class ChartRow:
    """One bar: its label, its value (None: withheld, no bar), the text written beside it, and
    the key of what it counts (for links from the table beside the chart)."""

    label: str
    value: int | float | None
    text: str
    key: str | None = None


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1].rstrip() + "…"


_LABEL = Markup('<text x="{x}" y="{y}" text-anchor="end" fill="{fill}" font-size="{size}">'
                '{text}</text>')
_RECT = Markup('<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height}" fill="{fill}"/>')
_VALUE = Markup('<text x="{x:.1f}" y="{y}" fill="{fill}" font-size="{size}">{text}</text>')
_ROW = Markup("<g><title>{label}: {text}</title>{parts}</g>")
_AXIS = Markup('<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{stroke}" stroke-width="1"/>')
_SVG = Markup(
    '<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="chart" viewBox="0 0 {width} '
    '{height}" width="100%" height="{height}" role="img" aria-labelledby="{id}-title" '
    'font-family="DejaVu Sans, sans-serif"><title id="{id}-title">{title}</title>'
    '<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>{body}</svg>'
)


def _bar(index: int, row: ChartRow, scale: float, centred: bool) -> Markup:
    y = TOP + index * ROW_HEIGHT
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    text_y = y + BAR_HEIGHT - 4
    width = max(0.0, float(row.value or 0) * scale)
    if row.value:
        width = max(width, 1.0)  # a small value stays visible
    x = LABEL_WIDTH + ((area - width) / 2 if centred else 0)
    value_x = (LABEL_WIDTH + area + 6) if centred else (x + width + 6)
    parts = _LABEL.format(x=LABEL_WIDTH - 8, y=text_y, fill=TEXT_FILL, size=FONT_SIZE,
                          text=_short(row.label))
    if width:
        parts += _RECT.format(x=x, y=y, width=width, height=BAR_HEIGHT, fill=BAR_FILL)
    parts += _VALUE.format(x=value_x, y=text_y, fill=TEXT_FILL, size=FONT_SIZE, text=row.text)
    return _ROW.format(label=row.label, text=row.text, parts=parts)


def bar_chart(title: str, rows: Sequence[ChartRow], *, chart_id: str,
              centred: bool = False) -> Markup:
    """A horizontal bar chart; `centred` bars make a funnel. `chart_id` must be unique."""
    largest = max((float(r.value) for r in rows if r.value), default=0.0)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = area / largest if largest else 0.0
    height = TOP * 2 + max(1, len(rows)) * ROW_HEIGHT
    body = Markup("").join(_bar(i, row, scale, centred) for i, row in enumerate(rows))
    if not centred:
        body = _AXIS.format(x=LABEL_WIDTH, y1=TOP - 2, y2=height - TOP + 2,
                            stroke=GRID_STROKE) + body
    return _SVG.format(id=chart_id, width=WIDTH, height=height, title=title, body=body)


__all__ = ["ChartRow", "bar_chart"]
