"""The brand: the programme's and the network's names, the SMS signature, a logo, colours.

Read once from the configuration (BRAND_NAME, BRAND_NETWORK, SMS_BRAND, BRAND_LOGO,
BRAND_COLOR, BRAND_COLOR_DARK) when the app is built, and used by the pages (header,
<title>, footer), the SMS texts (`{brand}` in sms/templates.py), certificates and exports.
Nothing configured: today's look, "civic_app" in the site's green.

A bad value never reaches a page: a colour that is not hex, or too pale for white text
on it and for links on white, falls back to the default with a logged warning; so does a
logo that is missing, outside static/, of another type or too heavy for a cheap phone.
Only the SMS signature refuses to start: a signature other than the configured one would
be silently wrong on every SMS, and a longer one would break the SMS budgets
(every template is tested to fit its segments with the longest allowed name).
"""

import base64
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context, url_for

log = logging.getLogger(__name__)

DEFAULT_NAME = "civic_app"
#: The colours of static/css/app.css (its :root), which a brand may override.
DEFAULT_COLOURS = {"--brand": "#0b5d3b", "--brand-dark": "#07402a"}
#: The header's text and the links' background (--paper), and the footer's (--soft).
BACKGROUNDS = ("#ffffff", "#f3f5f4")
#: WCAG AA for normal text: white on the header and the buttons, brand links on white.
MIN_CONTRAST = 4.5
LOGO_TYPES = (".svg", ".png", ".webp", ".jpg", ".jpeg")
#: A logo heavier than this is not shown (participants load pages on cheap phones).
LOGO_MAX_BYTES = 20 * 1024
HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
#: The longest SMS signature: every SMS template fits its segments with one this long
#: (tests/sms/test_brand_sms.py), with room left for longer names and places than typical.
SMS_BRAND_MAX = 16
#: Characters an SMS signature may have: GSM-7's basic table only (a test checks it), so
#: that an Italian SMS stays GSM-7 and every character costs one septet or one UCS-2 unit.
SMS_BRAND_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_.&'àèéìòùÉÄÖÑÜäöñü"
)


class BrandError(ValueError):
    """A brand setting the app must not start with."""


@dataclass(frozen=True)
class Brand:
    name: str = DEFAULT_NAME
    network: str | None = None
    sms_name: str = DEFAULT_NAME
    #: The logo's path under static/, or None: the name is shown as text.
    logo: str | None = None
    #: The overridden custom properties, as an inline stylesheet ("" when none).
    style: str = ""

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_NAME and not self.network

    @property
    def style_hash(self) -> str | None:
        """The CSP source that lets `style` in, inline (style-src allows no other)."""
        if not self.style:
            return None
        digest = hashlib.sha256(self.style.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"

    def logo_url(self) -> str | None:
        return url_for("static", filename=self.logo) if self.logo else None

    @property
    def heading(self) -> str:
        """The programme and its network on one line: "Name · Network"."""
        return f"{self.name} · {self.network}" if self.network else self.name


DEFAULT_BRAND = Brand()


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def normalise_hex(value: str | None) -> str | None:
    """ "#ABC" / "aabbcc" → "#aabbcc"; None when `value` is not a hex colour."""
    match = HEX.fullmatch((value or "").strip())
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "#" + digits


def darker(colour: str, factor: float = 0.7) -> str:
    r, g, b = (round(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def _colour(setting: str, value: str | None) -> str | None:
    """The configured colour, or None (the default) with a warning when it is unusable."""
    if value is None or not value.strip():
        return None
    colour = normalise_hex(value)
    if colour is None:
        log.warning("%s=%r is not a hex colour (#rrggbb): the default is used.", setting, value)
        return None
    worst = min(contrast(colour, background) for background in BACKGROUNDS)
    if worst < MIN_CONTRAST:
        log.warning(
            "%s=%s has a contrast of %.1f:1 with white (at least %.1f:1 is needed for text "
            "on it and links in it): the default is used.",
            setting, colour, worst, MIN_CONTRAST,
        )  # fmt: skip
        return None
    return colour


def _style(config) -> str:
    brand = _colour("BRAND_COLOR", config.get("BRAND_COLOR"))
    dark = _colour("BRAND_COLOR_DARK", config.get("BRAND_COLOR_DARK"))
    if brand and not dark:
        dark = darker(brand)
    chosen = {"--brand": brand, "--brand-dark": dark}
    declarations = ";".join(f"{name}:{value}" for name, value in chosen.items() if value)
    return f":root{{{declarations}}}" if declarations else ""


def _logo(value: str | None, static_folder: str | None) -> str | None:
    """The logo's path under static/ when it is there and fit to show, else None."""
    if not value or not static_folder:
        return None
    static = Path(static_folder).resolve()
    path = (static / value.strip().lstrip("/")).resolve()
    problem = None
    if not path.is_relative_to(static):
        problem = "is not under static/"
    elif not path.is_file():
        problem = "is not a file under static/"
    elif path.suffix.lower() not in LOGO_TYPES:
        problem = f"is not one of {', '.join(LOGO_TYPES)}"
    elif path.stat().st_size > LOGO_MAX_BYTES:
        problem = f"weighs more than {LOGO_MAX_BYTES // 1024} KB"
    if problem:
        log.warning("BRAND_LOGO=%r %s: the programme's name is shown instead.", value, problem)
        return None
    return path.relative_to(static).as_posix()


def sms_brand_problem(name: str) -> str | None:
    """Why `name` cannot sign SMS, or None."""
    if len(name) > SMS_BRAND_MAX:
        return f"is {len(name)} characters long, SMS allow {SMS_BRAND_MAX} at most"
    odd = sorted(set(name) - SMS_BRAND_CHARACTERS)
    if odd:
        return (
            f"has characters SMS cannot carry cheaply ({''.join(odd)}): use letters, digits, "
            "spaces and - _ . & '"
        )
    return None


def load_brand(config, static_folder: str | None = None) -> Brand:
    """The brand `config` describes, with defaults in place of unusable values.

    :raise BrandError: when the SMS signature is too long or not plain GSM-7.
    """
    name = (config.get("BRAND_NAME") or "").strip() or DEFAULT_NAME
    network = (config.get("BRAND_NETWORK") or "").strip() or None
    sms_setting = (config.get("SMS_BRAND") or "").strip()
    sms_name = sms_setting or name
    problem = sms_brand_problem(sms_name)
    if problem:
        where = "SMS_BRAND" if sms_setting else "BRAND_NAME (used for SMS, SMS_BRAND unset)"
        hint = "" if sms_setting else " Set SMS_BRAND to a short name for SMS."
        raise BrandError(f"{where}={sms_name!r} {problem}.{hint}")
    return Brand(
        name=name,
        network=network,
        sms_name=sms_name,
        logo=_logo(config.get("BRAND_LOGO"), static_folder),
        style=_style(config),
    )


def init_brand(app) -> None:
    """Read the brand into the app; a bad SMS signature stops it with a clear message."""
    try:
        brand = load_brand(app.config, app.static_folder)
    except BrandError as exc:
        raise RuntimeError(f"civic_app will not start:\n- {exc}") from exc
    app.extensions["civic_brand"] = brand

    @app.context_processor
    def brand_values():
        return {"brand": current_brand()}


def current_brand() -> Brand:
    """The app's brand; the default one outside an app (or before init_brand)."""
    if has_app_context():
        return current_app.extensions.get("civic_brand", DEFAULT_BRAND)
    return DEFAULT_BRAND
