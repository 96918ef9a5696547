"""Where a `next` parameter may send a browser: a path on this site, never another host.

A browser reads a Location header more loosely than a naive check does: it drops TAB,
CR and LF anywhere in the URL, strips leading and trailing spaces and control
characters, and reads a backslash as a slash. `/<TAB>/evil.example` is `//evil.example`
to it, a host. The check below keeps a target only when a browser would read it as it
is written, and when that, percent-decoded (once, twice: a target encoded twice), is
still a path on this site.
"""

import re
from urllib.parse import unquote, urlsplit

#: What browsers remove from anywhere in a URL (TAB, CR, LF) and what no path of ours
#: holds (the other C0 controls and DEL).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Percent-decoding rounds before a target that still changes is refused.
_DECODE_ROUNDS = 3
_MAX_LENGTH = 2000


def _as_browsers_read_it(target: str) -> str:
    return _CONTROL.sub("", target).strip().replace("\\", "/")


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target) -> str | None:
    """`target` if it is a path on this site however a browser reads it; else None."""
    if not isinstance(target, str) or not target or len(target) > _MAX_LENGTH:
        return None
    cleaned = _as_browsers_read_it(target)
    # A target of ours never needs what a browser drops (it comes from our own links):
    # one that does is refused, not mended into some other page.
    if cleaned != target or not _is_local_path(cleaned):
        return None
    decoded = cleaned
    for _ in range(_DECODE_ROUNDS):
        again = _as_browsers_read_it(unquote(decoded))
        if not _is_local_path(again):
            return None
        if again == decoded:
            return cleaned
        decoded = again
    return None
