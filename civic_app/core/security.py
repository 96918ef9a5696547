"""Security headers on every response, and the CSP nonce for the rare inline script.

The Content-Security-Policy allows scripts and styles from this site only: no inline
script (unless it carries this response's nonce, from `csp_nonce()` in a template),
no inline style (but the brand's colours, let in by their hash: core/brand.py), no
plugins, no <base>, no framing by other sites.
"""

import secrets

from flask import Flask, g, request

from civic_app.core.brand import current_brand
from civic_app.core.public_pages import is_shared

#: Responses that may carry personal data although they are not HTML.
PRIVATE_MIMETYPES = frozenset(
    {
        "text/csv",
        "application/json",
        "application/pdf",
        "text/calendar",
        "image/svg+xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def csp_nonce() -> str:
    """A random nonce for this response; using it adds it to the CSP's script-src."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    script_src = "'self'"
    if "csp_nonce" in g:
        script_src += f" 'nonce-{g.csp_nonce}'"
    style_src = "'self'"
    if brand_style := current_brand().style_hash:  # the brand's colours, inline
        style_src += f" {brand_style}"
    return (
        f"default-src 'self'; script-src {script_src}; style-src {style_src}; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


def _logged_in() -> bool:
    # Never load the user here: an error page may be answering a database outage.
    user = g.get("_login_user")
    return user is not None and user.is_authenticated


def _is_private(response) -> bool:
    if request.endpoint == "static":
        return False
    if is_shared(response) and not _logged_in():  # the same for every anonymous visitor
        return False
    return (
        response.mimetype == "text/html"
        or response.mimetype in PRIVATE_MIMETYPES
        or "attachment" in response.headers.get("Content-Disposition", "")
        or _logged_in()
    )


def register_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", content_security_policy())
        if app.config.get("HSTS_SECONDS"):
            headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains",
            )
        # Pages and files about people are never kept by a shared or a back-button cache.
        if _is_private(response):
            headers["Cache-Control"] = "no-store"
        return response
