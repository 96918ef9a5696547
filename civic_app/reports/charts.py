"""Charts drawn on the server as SVG: no JavaScript, no library, no inline styles.

Each chart is decorative for screen readers (`aria-hidden`): the page puts the
same numbers in a table beside it. Colours come from classes in app.css.
"""

from decimal import Decimal

from flask_babel import format_decimal
from markupsafe import Markup, escape

WIDTH = 600
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 200
VALUE_WIDTH = 70


def _number(value) -> str:
    """A short number in the page's language: no decimals from 100 up."""
    if isinstance(value, Decimal):
        return format_decimal(value, "#,##0" if value >= 100 else "#,##0.#")
    return format_decimal(value, "#,##0")


def _short(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _written(value) -> str:
    """A number in the page's language; a marker of a hidden figure ("<5", "x") as it is."""
    return value if isinstance(value, str) else _number(value)


def bar_chart(items, *, rtl: bool = False, shown=None) -> Markup:
    """Horizontal bars for `items`: (label, value) pairs; None or a marker ("<5", "x":
    a hidden figure) draws a grey stub with no length.

    :param shown: how a value is written at the end of its bar (default: the number, or
        the marker); a suppressed count passed as None is written as `shown(None)`.
    """
    shown = shown or _written
    items = [(label, None if isinstance(v, str) else v, v) for label, v in items]
    values = [v for _label, v, _given in items if v is not None]
    top = max([*values, 0]) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    parts = []
    for n, (label, value, given) in enumerate(items):
        y = GAP + n * (BAR_HEIGHT + GAP)
        length = 0 if value is None else round(float(value) / float(top) * room, 1)
        mid = y + BAR_HEIGHT / 2 + 5
        if rtl:
            label_x, anchor = WIDTH - 4, "start"
            bar_x = WIDTH - LABEL_WIDTH - length
            value_x, value_anchor = bar_x - 6, "end"
        else:
            label_x, anchor = 4, "start"
            bar_x = LABEL_WIDTH
            value_x, value_anchor = LABEL_WIDTH + length + 6, "start"
        direction = ' direction="rtl"' if rtl else ""
        parts.append(
            f'<text x="{label_x}" y="{mid}" text-anchor="{anchor}"{direction} class="chart-label">'
            f"{escape(_short(str(label)))}</text>"
        )
        if value is None:
            parts.append(
                f'<rect x="{bar_x if not rtl else WIDTH - LABEL_WIDTH - 12}" y="{y}" '
                f'width="12" height="{BAR_HEIGHT}" class="chart-bar chart-bar-hidden"/>'
            )
            value_x = value_x + (12 if not rtl else -12)
        elif length:
            parts.append(
                f'<rect x="{bar_x}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
                f'class="chart-bar"/>'
            )
        parts.append(
            f'<text x="{value_x}" y="{mid}" text-anchor="{value_anchor}" class="chart-value">'
            f"{escape(shown(given))}</text>"
        )
    return _svg(height, parts)


def column_chart(items, *, shown=None) -> Markup:
    """Vertical columns over time: (label, value) pairs, left to right in every language;
    a marker ("<5", "x") draws no column and is written as it is."""
    shown = shown or _written
    items = [(label, None if isinstance(v, str) else v, v) for label, v in items]
    values = [v for _label, v, _given in items if v is not None]
    top = max([*values, 0]) or 1
    plot_top, plot_bottom = 24, 180
    height = plot_bottom + 40
    slot = WIDTH / max(len(items), 1)
    width = max(slot * 0.6, 4)
    parts = [
        f'<line x1="0" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}" class="chart-axis"/>'
    ]
    for n, (label, value, given) in enumerate(items):
        x = n * slot + (slot - width) / 2
        size = 0 if value is None else float(value) / float(top) * (plot_bottom - plot_top)
        if size:
            parts.append(
                f'<rect x="{x:.1f}" y="{plot_bottom - size:.1f}" width="{width:.1f}" '
                f'height="{size:.1f}" class="chart-bar"/>'
            )
        centre = x + width / 2
        parts.append(
            f'<text x="{centre:.1f}" y="{plot_bottom - size - 6:.1f}" text-anchor="middle" '
            f'direction="ltr" class="chart-value">{escape(shown(given))}</text>'
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{plot_bottom + 18}" text-anchor="middle" '
            f'class="chart-label">{escape(str(label))}</text>'
        )
    return _svg(height, parts)


def _svg(height: float, parts: list[str]) -> Markup:
    # Numbers are formatted here and every text goes through escape() above.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def target_bar(done, month, goal, *, rtl: bool = False, labelled_by: str = "") -> Markup:
    """A target's progress: `done` of `goal`, the part of it that came in this month drawn
    apart at its end. Values are the shown figures (None when hidden: nothing drawn).

    The image is named by the page's text with the same numbers (`labelled_by`: ids).
    """
    goal = float(goal or 0)

    def share(value) -> float:
        return 0.0 if value is None or not goal else min(float(value) / goal * 100, 100.0)

    total = share(done)
    recent = min(share(month), total)
    before = total - recent
    parts = ['<rect x="0" y="0" width="100" height="10" class="target-track"/>']
    for start, length, kind in ((0.0, before, "target-done"), (before, recent, "target-recent")):
        if length > 0:
            x = 100 - start - length if rtl else start
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{length:.2f}" height="10" class="{kind}"/>'
            )
    named = f' aria-labelledby="{escape(labelled_by)}"' if labelled_by else ' aria-hidden="true"'
    return Markup(  # noqa: S704 - numbers and an escaped id only
        f'<svg class="target-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img"'
        f'{named} focusable="false" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def list_bars(items, *, rtl: bool = False) -> Markup:
    """Horizontal bars as an HTML list: the name and the number are text at the page's
    size (readable on a phone, where a scaled SVG's text is not), the bar a small SVG.
    `items`: (label, value) pairs; a marker ("<5", "x") has no bar and is written as is."""
    values = [v for _label, v in items if not isinstance(v, str) and v is not None]
    top = float(max([*values, 0]) or 1)
    rows = []
    for label, value in items:
        hidden = isinstance(value, str) or value is None
        length = 0.0 if hidden else float(value) / top * 100
        x = 100 - length if rtl else 0
        if hidden:  # a grey stub: there is a figure, not shown
            x = 96 if rtl else 0
            bar = f'<rect x="{x}" y="0" width="4" height="10" class="chart-bar chart-bar-hidden"/>'
        elif length:
            bar = f'<rect x="{x:.2f}" y="0" width="{length:.2f}" height="10" class="chart-bar"/>'
        else:
            bar = ""
        rows.append(
            f'<li><span class="list-bar-label">{escape(str(label))}</span>'
            f'<svg class="list-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            f'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">{bar}</svg>'
            f'<span class="list-bar-value" dir="ltr">{escape(_written(value or 0))}</span></li>'
        )
    return Markup(f'<ul class="list-bars">{"".join(rows)}</ul>')  # noqa: S704 - escaped above
