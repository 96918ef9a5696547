"""Panels other features add to the case page, without casework importing them.

A feature above casework (housing, say) registers at import a callable
`(intake, user) -> Markup | None`; the case page shows, in the order they were
registered, what each returns (None: nothing for this user or this case). A panel
checks its own permission: the case page only knows the reader is on the case team.
"""

from collections.abc import Callable

from markupsafe import Markup

from civic_app.casework.models import Intake

Panel = Callable[[Intake, object], Markup | None]

_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> Panel:
    """Add `panel` to the case page (once, however often its module is imported or an
    app is built). Usable as a decorator."""
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def panels_for(intake: Intake, user) -> list[Markup]:
    """What the registered panels show of `intake` to `user`."""
    shown = (panel(intake, user) for panel in _PANELS)
    return [html for html in shown if html]
