"""Hooks: how a lower package asks the packages above it without importing them.

A package declares a `Hook` where it needs an answer that a feature above it owns (the
venue check in `projects` asks `events` whether an event holds the venue; the staff page
of a project shows the hours that `attendance` counts). The feature above registers a
function when its module is imported; `create_app` imports every feature, so each hook
is complete before the first request, job or command runs.
"""

from collections.abc import Callable


class Hook:
    """An ordered set of functions, registered by the packages above the one calling it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[Callable] = []

    def register(self, function: Callable) -> Callable:
        """Add `function` (once, whatever how often its module is imported); a decorator."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self):
        return iter(tuple(self._functions))

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._functions)} registered>"
