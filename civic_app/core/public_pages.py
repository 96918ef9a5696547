"""Public pages kept for anonymous visitors: the marketplace and the project pages.

What an anonymous visitor sees on these pages is the same for everyone who asks the same
path and query string in the same language, so the rendered page is kept in the process
for PUBLIC_PAGE_SECONDS (0: off) and served again without touching the database. It is
answered with an ETag (a hash of the body) and a Last-Modified (when it was rendered), so
a browser that revalidates gets 304 Not Modified, and with `Cache-Control: public,
max-age=<the seconds it has left>` and `Vary: Cookie, Accept-Language`, so that a reverse
proxy may keep it for no longer than this process does. A project edited by staff shows
within PUBLIC_PAGE_SECONDS (publishing or editing a project also empties the cache).

Nothing personal is ever kept or served across visitors:
- only a request with nobody logged in, no remember-me cookie, and nothing in its session
  but the language and a CSRF token (no flash message, no login) is served from or stored
  into the cache; everyone else gets the page rendered for them, `private, no-store`;
- a page is stored only when rendering it left the session unchanged and made no CSRF
  token (the layout renders none into a page it is told is shared, `g.shared_page`, and
  the language switch needs none from anonymous visitors, see core/views.py), and set no
  cookie;
- a page whose rendering asked for a CSP nonce (`csp_nonce()`, for an inline script) is
  never stored: a nonce kept in a shared body would be the same for every visitor and
  known to anyone who fetched the page, which is no nonce at all. These pages have no
  inline script; their only inline style is the brand's, allowed by its hash, which is
  the same for every response (core/brand.py).
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, current_app, g, make_response, request, session

from civic_app.core.clock import now

#: What an anonymous session may hold and still be served the shared page: the page's
#: language (part of the key), a CSRF token (never rendered into a shared page), and
#: Flask-Login's "not fresh" mark, which it adds to any session with something in it.
SHAREABLE_SESSION_KEYS = frozenset({"lang", "csrf_token", "_fresh"})
#: Pages kept at most (paths and query strings are the visitors' to choose): every project
#: page of a large network (~1100 at ten times the programme) and the common searches,
#: some 20-40 MB of HTML per process at most.
MAX_ENTRIES = 2048
VARY = "Cookie, Accept-Language"


@dataclass(frozen=True)
class Entry:
    body: bytes
    etag: str
    rendered_at: datetime
    expires_at: datetime


class PageCache:
    """Rendered anonymous pages by (host, path, query string, language), least recent out."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, at: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires_at <= at:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def page_cache(app=None) -> PageCache:
    app = app or current_app
    return app.extensions.setdefault("civic_public_pages", PageCache())


def forget_public_pages() -> None:
    """Empty the cache (a project was published or edited). Other processes keep theirs
    until their entries expire, within PUBLIC_PAGE_SECONDS."""
    page_cache().clear()


def shareable_request() -> bool:
    """Whether this request may be served the page every anonymous visitor gets.

    Decided from the request alone, without loading the user (no SQL)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if "_user_id" in session or set(session.keys()) - SHAREABLE_SESSION_KEYS:
        return False
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return remember not in request.cookies


def _storable(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not session.modified
        and "csp_nonce" not in g
        # Flask-WTF keeps a token it rendered in `g`: such a page is someone's own.
        and current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in g
        and "Set-Cookie" not in response.headers
    )


def _answer(entry: Entry, at: datetime) -> Response:
    response = Response(entry.body, mimetype="text/html")
    response.set_etag(entry.etag)
    response.last_modified = entry.rendered_at
    left = max(int((entry.expires_at - at).total_seconds()), 0)
    response.headers["Cache-Control"] = f"public, max-age={left}"
    response.headers["Vary"] = VARY
    return response.make_conditional(request)


def is_shared(response: Response) -> bool:
    """Whether `response` is a shared public page (core/security.py leaves its headers)."""
    return bool(response.cache_control.public)


def public_page(view):
    """Serve `view`'s page from the cache to anonymous visitors (see the module)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        seconds = current_app.config.get("PUBLIC_PAGE_SECONDS", 0)
        if not seconds or not shareable_request():
            return view(*args, **kwargs)
        from civic_app.core.i18n import current_language

        key = (request.host, request.path, request.query_string, current_language())
        at = now()
        cache = page_cache()
        entry = cache.get(key, at)
        if entry is None:
            g.shared_page = True  # the layout renders no CSRF token into it
            response = make_response(view(*args, **kwargs))
            if not _storable(response):
                return response
            body = response.get_data()
            entry = Entry(
                body=body,
                etag=hashlib.sha256(body).hexdigest()[:32],
                # HTTP dates have whole seconds: If-Modified-Since compares them.
                rendered_at=at.replace(microsecond=0),
                expires_at=at + timedelta(seconds=seconds),
            )
            cache.put(key, entry)
        return _answer(entry, at)

    return wrapper
