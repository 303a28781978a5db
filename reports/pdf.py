"""PDF rendering shared by the reports: WeasyPrint on a template that extends
templates/reports/pdf_base.html (the archive catalogue's A4 page and CJK font
stack, a running header with the unit and the report name, 第 N 页 / 共 M 页),
and vector charts drawn as SVG on the server — black and white, no JavaScript."""

from __future__ import annotations

import logging
import math
from xml.sax.saxutils import escape

from django.template.loader import render_to_string

# WeasyPrint reports every layout step at INFO level; keep the logs readable
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

PDF = "application/pdf"


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template_name, context)).write_pdf()


# grey levels and hatches that stay apart on a black-and-white printer
BAR_STYLES = (
    ("#222222", None),
    ("#ffffff", "hatch"),
    ("#9a9a9a", None),
    ("#ffffff", "dots"),
    ("#d0d0d0", None),
)


def bar_chart_svg(bars: list[tuple[str, int]], *, width: int = 480, height: int = 220, unit: str = "") -> str:
    """A vertical bar chart as inline SVG: each bar labelled with its value and
    its share of the total, the category under it."""
    total = sum(v for _label, v in bars) or 1
    step = max(1, math.ceil(max([v for _label, v in bars] + [1]) / 4))
    top = step * 4  # whole numbers on the axis
    left, right, head, foot = 36, 12, 22, 40
    plot_w, plot_h = width - left - right, height - head - foot
    slot = plot_w / max(len(bars), 1)
    bar_w = min(slot * 0.55, 70)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif" font-size="11" role="img">',
        "<defs>"
        '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1.2"/></pattern>'
        '<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<circle cx="2.5" cy="2.5" r="1" fill="#000"/></pattern>'
        "</defs>",
    ]
    base_y = head + plot_h
    for i in range(5):  # grid lines with their values
        value = top * i / 4
        y = base_y - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#bbb" stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="9">{value:.0f}</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="#000" stroke-width="1"/>')
    for i, (label, value) in enumerate(bars):
        fill, pattern = BAR_STYLES[i % len(BAR_STYLES)]
        h = plot_h * value / top
        x = left + slot * i + (slot - bar_w) / 2
        y = base_y - h
        cx = x + bar_w / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}" stroke="#000" stroke-width="0.8"/>'
        )
        if pattern and h:
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="url(#{pattern})"/>')
        share = f"{value / total:.1%}"
        parts.append(f'<text x="{cx:.1f}" y="{y - 5:.1f}" text-anchor="middle">{value}{escape(unit)}（{share}）</text>')
        parts.append(f'<text x="{cx:.1f}" y="{base_y + 16}" text-anchor="middle" font-size="11">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
