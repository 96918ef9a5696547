"""What each SMS template costs, per language, against its budget.

Measured with typical values (`templates.typical_values`: the date on the language's
longest weekday). Budgets: one GSM-7 segment in it/en/fr/es and two UCS-2 segments in
ar/bn/ur/uk; the sign-up texts that carry a name and the help get one more, names
being as long as they are. A text of a GSM-7 language that falls into UCS-2 (one
stray character) is over budget too: it would cost double.
"""

from dataclasses import dataclass

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
