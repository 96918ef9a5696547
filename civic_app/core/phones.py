"""Phone numbers: parsed with phonenumbers, stored in E.164, masked in logs."""

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l

from civic_app.core.errors import DomainError


def normalize_phone(raw: str, field: str = "phone", region: str | None = None) -> str:
    """The E.164 form of `raw` ("+393471234567").

    A number without a prefix is read as Italian (DEFAULT_PHONE_REGION).

    :raise DomainError: when it is not a valid phone number.
    """
    raw = (raw or "").strip()
    if not raw or len(raw) > 32:
        raise DomainError(
            field, _l("Scrivi un numero di telefono valido, ad esempio 347 123 4567.")
        )
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    region = region or current_app.config["DEFAULT_PHONE_REGION"]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise DomainError(
            field, _l("Scrivi un numero di telefono valido, ad esempio 347 123 4567.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise DomainError(field, _l("Questo numero non esiste. Controlla il prefisso e le cifre."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """A phone number fit for a log line: the prefix and the last two digits."""
    if not e164:
        return "-"
    return e164[:3] + "*" * max(len(e164) - 5, 0) + e164[-2:]


def display_phone(e164: str | None) -> str:
    """A phone number as people write it, in international format."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
