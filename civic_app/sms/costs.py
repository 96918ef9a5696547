"""What each SMS template costs, per language, against its budget; what each channel
cost in a period (`channel_costs`, on the dashboard's SMS section).

Measured with typical values (`templates.typical_values`: the date on the language's
longest weekday). Budgets: one GSM-7 segment in it/en/fr/es and two UCS-2 segments in
ar/bn/ur/uk; the sign-up texts that carry a name and the help get one more, names
being as long as they are. A text of a GSM-7 language that falls into UCS-2 (one
stray character) is over budget too: it would cost double.
"""

from dataclasses import dataclass
from decimal import Decimal

from civic_app.core.channels import Channel
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import (
    GSM_LANGUAGES,
    MULTILINGUAL,
    SMS_LANGUAGES,
    TEMPLATES,
    typical_values,
)

#: Templates allowed one segment more than the others.
LONGER = frozenset(
    {"help", "signup_birth_year", "signup_confirm", "signup_confirm_minor", "signup_done",
     "signup_done_minor", "projects_list", "projects_list_end", "signup_municipality_pick",
     "next_waiting", "next_waitlisted"}
)  # fmt: skip


def budget(template: str, language: str) -> int:
    """Segments a template may cost in `language` with typical values."""
    base = 1 if language in GSM_LANGUAGES and template not in MULTILINGUAL else 2
    return base + (template in LONGER)


def expected_encoding(template: str, language: str) -> str | None:
    """GSM-7 or UCS-2; None for the menu that mixes every script."""
    if template == "signup_language":
        return None
    return "GSM-7" if language in GSM_LANGUAGES else "UCS-2"


@dataclass(frozen=True)
class TemplateCost:
    template: str
    language: str
    text: str  #: rendered with typical values
    encoding: str
    characters: int
    units: int  #: septets or UTF-16 units
    segments: int
    budget: int
    expected_encoding: str | None

    @property
    def over_budget(self) -> bool:
        wrong_encoding = self.expected_encoding not in (None, self.encoding)
        return self.segments > self.budget or wrong_encoding


def template_costs(brand: str | None = None) -> list[TemplateCost]:
    """Every template in every language it has, in the order of SMS_LANGUAGES, signed
    `brand` (default: this app's SMS signature)."""
    rows = []
    for name in sorted(TEMPLATES):
        for language in SMS_LANGUAGES:
            if language not in TEMPLATES[name]:
                continue
            text = TEMPLATES[name][language].format(**typical_values(language, brand))
            counted = count_segments(text)
            rows.append(
                TemplateCost(
                    template=name, language=language, text=text, encoding=counted.encoding,
                    characters=len(text), units=counted.units, segments=counted.segments,
                    budget=budget(name, language),
                    expected_encoding=expected_encoding(name, language),
                )
            )  # fmt: skip
    return rows


@dataclass(frozen=True)
class ChannelCost:
    """What went by one channel in a period, and its estimated price in euro."""

    channel: str
    messages: int
    segments: int  #: SMS segments (SMS rows only count)
    templates: int  #: WhatsApp content templates among the messages
    cost: Decimal


def channel_costs(counts: dict[str, tuple[int, int, int]], config) -> list[ChannelCost]:
    """`counts`: channel -> (messages, segments, templates). Priced with PRICE_SMS_SEGMENT
    (per segment), PRICE_WHATSAPP_TEMPLATE (per template message: it opens a paid
    conversation), PRICE_WHATSAPP_SESSION (per free-text message inside the window) and
    PRICE_VOICE_CALL (per call). Every channel listed, in the order of Channel."""
    price = {key: price_of(config.get(key)) for key in PRICES}
    rows = []
    for channel in Channel:
        messages, segments, templates = counts.get(channel.value, (0, 0, 0))
        if channel == Channel.SMS:
            cost = segments * price["PRICE_SMS_SEGMENT"]
        elif channel == Channel.WHATSAPP:
            cost = (
                templates * price["PRICE_WHATSAPP_TEMPLATE"]
                + (messages - templates) * price["PRICE_WHATSAPP_SESSION"]
            )
        else:
            cost = messages * price["PRICE_VOICE_CALL"]
        segments = segments if channel == Channel.SMS else 0
        rows.append(ChannelCost(channel.value, messages, segments, templates, cost.quantize(CENT)))
    return rows


PRICES = (
    "PRICE_SMS_SEGMENT",
    "PRICE_WHATSAPP_TEMPLATE",
    "PRICE_WHATSAPP_SESSION",
    "PRICE_VOICE_CALL",
)
CENT = Decimal("0.01")


def price_of(value) -> Decimal:
    """A configured price as a Decimal; 0 when unset or not a non-negative number (the
    production configuration refuses such a value at start-up)."""
    try:
        price = Decimal(str(value or "0").strip())
    except ArithmeticError:
        return Decimal(0)
    return price if price.is_finite() and price >= 0 else Decimal(0)
