"""Sign-up by SMS: language, name, municipality, sectors, optional year of birth, YES.

One step per inbound message, answered in the language the person chose. Flushes."""

import re

from civic_app.conversation.keywords import keyword, language_named, normalize
from civic_app.conversation.municipalities import by_slug, choices_text, match_municipality
from civic_app.conversation.states import State
from civic_app.core.demographics import birth_year_bounds, is_minor
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.sms.models import Conversation, Message
from civic_app.sms.templates import SMS_LANGUAGES, render_sms

#: The sign-up menu ("signup_language" lists them in this order): 1 Italiano … 8 Українська.
LANGUAGE_MENU = {str(n): code for n, code in enumerate(SMS_LANGUAGES, start=1)}


SECTOR_MENU = {"1": "green", "2": "care", "3": "safety"}


def sign_up_step(conversation: Conversation, inbound: Message, now, reply) -> None:
    """One step of sign-up by SMS, answered in the language the person chose."""
    text = inbound.body.strip()
    data = dict(conversation.data or {})
    state = conversation.state
    if state == State.SIGNUP_LANGUAGE:
        clean = normalize(text)
        choice = LANGUAGE_MENU.get(clean) if clean.isdigit() else language_named(text)
        if choice is None:
            reply("signup_language")
            return
        conversation.language = choice
        conversation.state = State.SIGNUP_NAME
        reply(lang=choice, template="signup_name")
        return
    language = conversation.language
    if state == State.SIGNUP_NAME:
        name = " ".join(text.split())[:160]
        if not name or keyword(name) in ("yes", "no"):
            reply(lang=language, template="signup_name")
            return
        data["name"] = name
        conversation.state = State.SIGNUP_MUNICIPALITY
        reply(lang=language, template="signup_municipality")
    elif state == State.SIGNUP_MUNICIPALITY:
        municipality = _picked(data, text)
        if municipality is None:
            municipality, choices = match_municipality(text)
        if municipality is None:
            data["municipality_choices"] = [m.slug for m in choices]
            conversation.data = data
            reply(lang=language, template="signup_municipality_pick",
                  choices=choices_text(choices, language))  # fmt: skip
            return
        data.pop("municipality_choices", None)
        data["municipality"] = municipality.slug
        conversation.state = State.SIGNUP_SECTOR
        reply(lang=language, template="signup_sector")
    elif state == State.SIGNUP_SECTOR:
        sectors = sorted({SECTOR_MENU[d] for d in normalize(text) if d in SECTOR_MENU})
        if not sectors:
            reply(lang=language, template="signup_sector")
            return
        data["sectors"] = sectors
        conversation.state = State.SIGNUP_BIRTH_YEAR
        reply(lang=language, template="signup_birth_year")
    elif state == State.SIGNUP_BIRTH_YEAR:
        # Optional: a year, or SKIP (NO works too). Anything else asks again.
        if keyword(text) in ("skip", "no"):
            data["birth_year"] = None
        elif (year := _birth_year(text, now)) is not None:
            data["birth_year"] = year
        else:
            reply(lang=language, template="signup_birth_year")
            return
        conversation.state = State.SIGNUP_CONFIRM
        _ask_confirmation(data, language, now, reply)
    elif state == State.SIGNUP_CONFIRM:
        word = keyword(text)
        if word == "yes":
            user = _create_participant(conversation, data, now, inbound.channel)
            template = "signup_done_minor" if _minor(data, now) else "signup_done"
            conversation.state, data = State.IDLE, {}
            reply(lang=language, template=template, name=user.first_name)
        elif word == "no":
            conversation.state, data = State.IDLE, {}
            reply(lang=language, template="signup_cancelled")
        else:
            _ask_confirmation(data, language, now, reply)
    conversation.data = data


def _birth_year(text: str, now) -> int | None:
    """The year of birth in a reply ("1990", "nato nel 1990"), if it is a plausible one."""
    found = re.findall(r"(?<!\d)\d{4}(?!\d)", normalize(text))
    if len(found) != 1:
        return None
    low, high = birth_year_bounds(to_local(now).year)
    year = int(found[0])
    return year if low <= year <= high else None


def _minor(data: dict, now) -> bool:
    return is_minor(data.get("birth_year"), to_local(now).year)


def _ask_confirmation(data: dict, language: str, now, reply) -> None:
    """Ask for YES. An adult's YES is their consent, so its exact text is kept; a minor
    only confirms the registration (a parent or guardian consents with staff)."""
    municipality = by_slug(data["municipality"])
    template = "signup_confirm_minor" if _minor(data, now) else "signup_confirm"
    values = {"name": data["name"], "municipality": municipality.name_in(language)}
    data["consent_text"] = render_sms(template, language, **values)
    reply(lang=language, template=template, **values)


def _picked(data: dict, text: str):
    """The municipality picked by its number in the list we sent (any script's digits)."""
    choice, choices = normalize(text), data.get("municipality_choices") or []
    if choice.isdigit() and 1 <= int(choice) <= len(choices):
        return by_slug(choices[int(choice) - 1])
    return None


def _create_participant(conversation: Conversation, data: dict, now, channel: str = "sms"):
    from civic_app.core.audit import record
    from civic_app.people.operations import sign_up_participant

    first, _, last = data["name"].partition(" ")
    user = sign_up_participant(
        phone=conversation.phone,
        first_name=first,
        last_name=last or None,
        language=conversation.language,
        municipality=by_slug(data["municipality"]),
        sectors=data.get("sectors", []),
        programme_consent=True,
        sms_consent=True,
        via="sms",
        consent_method="sms",
        now=now,
        birth_year=data.get("birth_year"),
    )
    user.pending_review = True
    if channel == "whatsapp":  # signed up on WhatsApp: their texts come back there
        user.channel = "whatsapp"
    # The consent is the exact SMS they answered YES to.
    from civic_app.core.accounts import Consent

    for consent in db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)):
        if consent.purpose == "programme":
            consent.text = data.get("consent_text", consent.text)
    record("participant.signed_up", user, actor=user, details={"via": "sms", "channel": channel})
    return user
