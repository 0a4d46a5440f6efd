"""Tiny server-rendered SVG charts for the admin dashboard (no JavaScript)."""

from html import escape

from django.utils.safestring import mark_safe

WIDTH, HEIGHT, LEFT, PAD, TOP = 720, 200, 56, 24, 40


def _number(value: float, unit: str) -> str:
    whole = unit != "%" and (value >= 10 or float(value).is_integer())
    return f"{value:,.0f}{unit}" if whole else f"{value:,.1f}{unit}"


def bar_chart(labels: list[str], values: list[float], *, title: str, unit: str = "", color: str = "#417690"):
    """Bars with a legend (the series and its unit), a value axis (0, half, maximum), the value above each
    bar (every few bars when there are many) and the day under every few bars; hovering shows each value."""
    top = max([v for v in values if v is not None] or [0]) or 1
    n = max(len(values), 1)
    step = (WIDTH - LEFT - PAD) / n
    base = HEIGHT - PAD
    plot = base - TOP
    every = max(1, n // 10)
    unit_label = f" ({escape(unit)})" if unit else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<g class="legend" font-size="12"><rect x="{LEFT}" y="6" width="11" height="11" fill="{color}"/>'
             f'<text x="{LEFT + 16}" y="16">{escape(title)}{unit_label}</text></g>']
    for share in (0, 0.5, 1):
        y = base - plot * share
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{LEFT - 6}" y="{y + 3:.1f}" font-size="10" text-anchor="end" fill="#666">'
                     f'{escape(_number(top * share, unit))}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - PAD}" y2="{base}" stroke="#999"/>'
                 f'<line x1="{LEFT}" y1="{TOP - 6}" x2="{LEFT}" y2="{base}" stroke="#999"/>')
    for i, (label, value) in enumerate(zip(labels, values)):
        value = value or 0
        h = plot * value / top
        x = LEFT + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
                     f'fill="{color}"><title>{escape(label)}: {escape(_number(value, unit))}</title></rect>')
        if i % every == 0:
            centre = x + step / 2
            if value:
                parts.append(f'<text x="{centre:.1f}" y="{base - h - 3:.1f}" font-size="9" text-anchor="middle" '
                             f'fill="#333">{escape(_number(value, unit))}</text>')
            parts.append(f'<text x="{centre:.1f}" y="{HEIGHT - 8}" font-size="10" text-anchor="middle" '
                         f'fill="#666">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated label is escaped above
