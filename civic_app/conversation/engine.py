"""The SMS conversation engine: keywords, sign-up by SMS, answers. State lives in Conversation.

`answer(inbound, user, now)` decides the replies to one inbound message and queues
them (flushes; the caller commits).
"""

import re
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from civic_app.conversation.keywords import keyword, normalize
from civic_app.core.demographics import birth_year_bounds, is_minor
from civic_app.core.models import Municipality
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.offers import answer_offer, offer_freed_place
from civic_app.sms.limits import spend_join
from civic_app.sms.models import Conversation, Message
from civic_app.sms.operations import queue_sms
from civic_app.sms.optout import opt_in, opt_out
from civic_app.sms.templates import SMS_LANGUAGES, render_sms, sms_number, sms_when

#: The sign-up menu ("signup_language" lists them in this order): 1 Italiano … 8 Українська.
LANGUAGE_MENU = {str(n): code for n, code in enumerate(SMS_LANGUAGES, start=1)}
SECTOR_MENU = {"1": "green", "2": "care", "3": "safety"}
#: A sign-up left half-way starts again after this.
CONVERSATION_TIMEOUT = timedelta(hours=24)


def _conversation(phone: str, now):
    conversation = db.session.scalar(db.select(Conversation).where(Conversation.phone == phone))
    if conversation is None:
        conversation = Conversation(phone=phone, state="idle", data={}, updated_at=now)
        # Two messages from one number at the same moment (a double send, a long text in
        # parts): the unique phone decides, and the loser reads the winner's row.
        try:
            with db.session.begin_nested():
                db.session.add(conversation)
        except IntegrityError:
            conversation = db.session.scalar(
                db.select(Conversation).where(Conversation.phone == phone)
            )
    elif conversation.updated_at < now - CONVERSATION_TIMEOUT:
        conversation.state, conversation.data = "idle", {}
    return conversation


def answer(inbound: Message, user, now) -> list[Message]:
    phone = inbound.phone
    conversation = _conversation(phone, now)
    language = user.preferred_language if user is not None else conversation.language
    replies: list[Message] = []

    def reply(template: str, kind: str = "reply", lang: str | None = None, **values) -> None:
        replies.append(
            queue_sms(
                phone=phone,
                body=render_sms(template, lang or language, **values),
                kind=kind,
                now=now,
                user=user,
                idempotency_key=f"reply:{inbound.id}:{len(replies)}",
            )
        )

    word = keyword(inbound.body)
    conversation.updated_at = now
    if word == "stop":
        opt_out(phone, "sms_keyword", now)
        conversation.state, conversation.data = "idle", {}
        reply("stop_confirmation", kind="stop_confirmation")
    elif word == "start":
        opt_in(phone, "sms_keyword", now)
        reply("start_confirmation")
    elif word == "help":
        reply("help")
    elif word == "join":  # also starts a sign-up left half-way over again
        if user is not None:
            reply("already_registered")
        elif not spend_join(phone):
            inbound.needs_attention = True  # no reply: it would cost us and feed the flood
        else:
            conversation.state, conversation.data = "signup_language", {}
            reply("signup_language")
    elif conversation.state.startswith("signup_"):
        _sign_up_step(conversation, inbound, now, reply)
    elif word == "next":
        _next_session(user, language, now, reply)
    elif word == "hours":
        _hours(user, language, reply)
    elif (
        word in ("yes", "no")
        and user is not None
        and (template := answer_offer(user, word == "yes", now))
    ):
        reply(template)
    elif word in ("yes", "no") and user is not None and _rsvp(user, word == "yes", now):
        reply("rsvp_yes" if word == "yes" else "rsvp_no")
    else:
        inbound.needs_attention = True
        reply("help")
    db.session.flush()
    if user is None and conversation.state == "idle":
        _adopt_messages(phone)
    return replies


def _adopt_messages(phone: str) -> None:
    """After a sign-up by SMS, the exchange that led to it belongs to the new participant."""
    from civic_app.core.accounts import User

    user = db.session.scalar(db.select(User).where(User.phone == phone))
    if user is None:
        return
    db.session.execute(
        db.update(Message)
        .where(Message.phone == phone, Message.user_id.is_(None))
        .values(user_id=user.id, municipality_id=user.municipality_id)
        .execution_options(synchronize_session=False)
    )


def _sign_up_step(conversation: Conversation, inbound: Message, now, reply) -> None:
    """One step of sign-up by SMS, answered in the language the person chose."""
    text = inbound.body.strip()
    data = dict(conversation.data or {})
    state = conversation.state
    if state == "signup_language":
        choice = LANGUAGE_MENU.get(normalize(text)[:1])
        if choice is None:
            reply("signup_language")
            return
        conversation.language = choice
        conversation.state = "signup_name"
        reply(lang=choice, template="signup_name")
        return
    language = conversation.language
    if state == "signup_name":
        name = " ".join(text.split())[:160]
        if not name or keyword(name) in ("yes", "no"):
            reply(lang=language, template="signup_name")
            return
        data["name"] = name
        conversation.state = "signup_municipality"
        reply(lang=language, template="signup_municipality")
    elif state == "signup_municipality":
        municipality = _find_municipality(text)
        if municipality is None:
            reply(lang=language, template="signup_municipality_unknown")
            return
        data["municipality"] = municipality.slug
        conversation.state = "signup_sector"
        reply(lang=language, template="signup_sector")
    elif state == "signup_sector":
        sectors = sorted({SECTOR_MENU[d] for d in normalize(text) if d in SECTOR_MENU})
        if not sectors:
            reply(lang=language, template="signup_sector")
            return
        data["sectors"] = sectors
        conversation.state = "signup_birth_year"
        reply(lang=language, template="signup_birth_year")
    elif state == "signup_birth_year":
        # Optional: a year, or SKIP (NO works too). Anything else asks again.
        if keyword(text) in ("skip", "no"):
            data["birth_year"] = None
        elif (year := _birth_year(text, now)) is not None:
            data["birth_year"] = year
        else:
            reply(lang=language, template="signup_birth_year")
            return
        conversation.state = "signup_confirm"
        _ask_confirmation(data, language, now, reply)
    elif state == "signup_confirm":
        word = keyword(text)
        if word == "yes":
            user = _create_participant(conversation, data, now)
            template = "signup_done_minor" if _minor(data, now) else "signup_done"
            conversation.state, data = "idle", {}
            reply(lang=language, template=template, name=user.first_name)
        elif word == "no":
            conversation.state, data = "idle", {}
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
    municipality = _find_municipality(data["municipality"])
    template = "signup_confirm_minor" if _minor(data, now) else "signup_confirm"
    values = {"name": data["name"], "municipality": municipality.name}
    data["consent_text"] = render_sms(template, language, **values)
    reply(lang=language, template=template, **values)


def _find_municipality(text: str):
    wanted = normalize(text).replace(" ", "")
    if not wanted:
        return None
    for municipality in db.session.scalars(db.select(Municipality)):
        if wanted in (normalize(municipality.name).replace(" ", ""), municipality.slug):
            return municipality
    return None


def _create_participant(conversation: Conversation, data: dict, now):
    from civic_app.core.audit import record
    from civic_app.people.operations import sign_up_participant

    first, _, last = data["name"].partition(" ")
    user = sign_up_participant(
        phone=conversation.phone,
        first_name=first,
        last_name=last or None,
        language=conversation.language,
        municipality=_find_municipality(data["municipality"]),
        sectors=data.get("sectors", []),
        programme_consent=True,
        sms_consent=True,
        via="sms",
        consent_method="sms",
        now=now,
        birth_year=data.get("birth_year"),
    )
    user.pending_review = True
    # The consent is the exact SMS they answered YES to.
    from civic_app.core.accounts import Consent

    for consent in db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)):
        if consent.purpose == "programme":
            consent.text = data.get("consent_text", consent.text)
    record("participant.signed_up", user, actor=user, details={"via": "sms"})
    return user


def _next_session(user, language: str, now, reply) -> None:
    from civic_app.projects.models import HOLDS_A_PLACE, Enrolment, ProjectSession, SessionStatus

    if user is None:
        reply("not_registered")
        return
    session = db.session.scalar(
        db.select(ProjectSession)
        .join(Enrolment, Enrolment.project_id == ProjectSession.project_id)
        .where(
            Enrolment.participant_id == user.id,
            Enrolment.status.in_(HOLDS_A_PLACE),
            ProjectSession.status == SessionStatus.SCHEDULED,
            ProjectSession.starts_at >= now,
        )
        .order_by(ProjectSession.starts_at)
        .limit(1)
    )
    if session is None:
        reply("no_session")
        return
    project = session.project
    when = sms_when(session.starts_at, language)
    place = session.venue.address if session.venue else project.place
    reply("next_session", when=when, place=place or "-", project=project.text(language)[0])


def _hours(user, language: str, reply) -> None:
    from civic_app.plans.operations import open_plan
    from civic_app.plans.progress import hours_done

    if user is None:
        reply("not_registered")
        return
    plan = open_plan(user)
    done = sms_number(hours_done(user.id), language)
    if plan is None:
        reply("hours_no_plan", done=done)
        return
    reply("hours", done=done, target=sms_number(plan.target_hours, language))


def _rsvp(user, coming: bool, now) -> bool:
    """Record YES/NO as the answer to the latest reminder; False if there was none to answer."""
    from civic_app.projects.models import Rsvp

    reminder = db.session.scalar(
        db.select(Message)
        .where(
            Message.user_id == user.id,
            Message.kind.in_(("reminder", "event_invite", "event_reminder")),
            Message.subject_type.in_(("session", "event")),
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    if reminder is None:
        return False
    if reminder.subject_type == "event":
        from civic_app.core.errors import DomainError
        from civic_app.events.models import CommunityEvent
        from civic_app.events.operations import answer as answer_event

        try:
            answer_event(
                db.session.get(CommunityEvent, reminder.subject_id), user, coming, now, "sms"
            )
        except DomainError:
            return False
        return True
    rsvp = db.session.scalar(
        db.select(Rsvp).where(
            Rsvp.session_id == reminder.subject_id, Rsvp.participant_id == user.id
        )
    )
    if rsvp is None:
        rsvp = Rsvp(
            session_id=reminder.subject_id,
            participant_id=user.id,
            municipality_id=user.municipality_id,
        )
        db.session.add(rsvp)
    rsvp.coming, rsvp.answered_at, rsvp.source = coming, now, "sms"
    db.session.flush()
    if not coming:
        from civic_app.projects.models import ProjectSession

        offer_freed_place(db.session.get(ProjectSession, reminder.subject_id), now)
    return True
