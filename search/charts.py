"""Tiny server-rendered SVG charts for the admin dashboard (no JavaScript)."""

from html import escape

from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 720, 180, 30


def bar_chart(labels: list[str], values: list[float], *, title: str, unit: str = "", color: str = "#417690"):
    top = max([v for v in values if v is not None] or [0]) or 1
    n = max(len(values), 1)
    step = (WIDTH - 2 * PAD) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
             f'<text x="{PAD}" y="14" font-size="11">{escape(title)} (max {top:,.1f}{escape(unit)})</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        value = value or 0
        h = (HEIGHT - 2 * PAD - 10) * value / top
        x = PAD + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{HEIGHT - PAD - h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="{color}"><title>{escape(label)}: {value:,.1f}{escape(unit)}</title></rect>')
        if i % max(1, n // 6) == 0:
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 10}" font-size="10">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated label is escaped above
