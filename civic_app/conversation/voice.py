"""What a call says and what its key answers: the voice side of the conversation.

A call's words come from what its message is about (the session, the offer, the event,
the appointment), said in full for listening ("voice_*" texts); its 1/2 is applied by the
same answer operations as an SMS reply 1/2 (conversation/answers.py): the RSVP, the
session's yes/no (a no frees the place and offers it to the waiting list), the offer.
Each key is recorded as an inbound message with the SID "<CallSid>:<digit>", so the same
key of the same call, sent twice, is applied once. Flushes; the view commits.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from civic_app.casework.models import Referral
from civic_app.conversation.answers import _apply
from civic_app.conversation.questions import open_questions
from civic_app.events.models import CommunityEvent
from civic_app.extensions import db
from civic_app.projects.models import ProjectSession, SessionOffer, Venue
from civic_app.sms.models import Message, Question
from civic_app.sms.operations import record_inbound
from civic_app.sms.templates import render_sms, sms_language
from civic_app.sms.voice import GATHER_TRIES, said, voice_text, voice_url, voice_when


def call_language(message: Message) -> str:
    from civic_app.core.accounts import User

    user = db.session.get(User, message.user_id) if message.user_id else None
    return sms_language(getattr(user, "preferred_language", None))


def what_is_said(message: Message, language: str, now: datetime) -> str:
    """The text of the call, from what it is about as it is now (its SMS text, without the
    signature, when that is gone)."""
    subject = message.subject_id
    if message.kind == "reminder" and message.subject_type == "session":
        session = db.session.get(ProjectSession, subject)
        if session is not None:
            return voice_text("voice_reminder", language, **_session_values(session, language))
    if message.kind == "offer" and message.subject_type == "offer":
        offer = db.session.get(SessionOffer, subject)
        if offer is not None:
            session = db.session.get(ProjectSession, offer.session_id)
            minutes = max(int((offer.expires_at - now).total_seconds() // 60), 1)
            values = _session_values(session, language)
            return voice_text("voice_offer", language, when=values["when"],
                              project=values["project"], minutes=minutes)  # fmt: skip
    if message.kind == "event_reminder" and message.subject_type == "event":
        event = db.session.get(CommunityEvent, subject)
        if event is not None:
            venue = db.session.get(Venue, event.venue_id) if event.venue_id else None
            return voice_text(
                "voice_event_reminder", language, when=voice_when(event.starts_at, language),
                title=event.text(language)[0], place=venue.address if venue else "-",
            )  # fmt: skip
    if message.subject_type == "referral":
        referral = db.session.get(Referral, subject)
        if referral is not None and referral.appointment_at is not None:
            place = referral.appointment_place or referral.service.address or "-"
            return voice_text("voice_appointment", language, place=place,
                              when=voice_when(referral.appointment_at, language))  # fmt: skip
    body = message.body
    return body.split(": ", 1)[1] if ": " in body[:20] else body


def _session_values(session: ProjectSession, language: str) -> dict:
    project = session.project
    place = session.venue.address if session.venue else project.place
    return {"when": voice_when(session.starts_at, language),
            "project": project.text(language)[0], "place": place or "-"}  # fmt: skip


def _open_question(message: Message, now: datetime):
    for question in open_questions(message.phone, now):
        if question.kind == message.question and question.subject_id == message.subject_id:
            return question
    return None


def call_twiml(message: Message, now: datetime, tries: int = 0, *, sorry: bool = False) -> str:
    """The call's TwiML: its text, then "press 1 / 2" while its question is open."""
    language = call_language(message)
    parts = [(message.kind, what_is_said(message, language, now))]
    if sorry:
        parts.insert(0, ("voice_sorry", voice_text("voice_sorry", language)))
    if message.question is None:
        return said(parts + parts[-1:], language)  # said twice, to be caught
    if _open_question(message, now) is None:
        return said([("voice_closed", voice_text("voice_closed", language))], language)
    gather_url = voice_url("/voice/gather", message.id, n=tries + 1)
    return said(parts, language, gather_url=gather_url)


def goodbye(language: str) -> str:
    return said([("voice_goodbye", voice_text("voice_goodbye", language))], language)


def closed(language: str = "it") -> str:
    """What a call says to a key for nothing (an unknown call, a closed question)."""
    return said([("voice_closed", voice_text("voice_closed", language))], language)


def answer_key(message: Message, sid: str, digits: str | None, tries: int, now) -> str:
    """The TwiML answering a key pressed on call `sid` of `message` (None: a wrong key or
    none): applied once, as the SMS reply 1/2 is."""
    language = call_language(message)
    if digits is None:
        if tries >= GATHER_TRIES:
            return goodbye(language)
        return call_twiml(message, now, tries, sorry=True)
    answers = dict((message.meta or {}).get("answers") or {})
    if sid in answers:
        return goodbye(language)  # this call has answered already
    try:
        with db.session.begin_nested():
            inbound, user, new = record_inbound(
                phone=message.phone,
                body=digits,
                now=now,
                provider_sid=f"{sid[:60]}:{digits}",  # fits the column (64)
            )
    except IntegrityError:  # the same key, at the same moment
        new = False
    if not new:
        return goodbye(language)
    inbound.channel = "voice"
    message.meta = {**(message.meta or {}), "answers": {**answers, sid: digits}}
    question = _open_question(message, now)
    if user is None or question is None or user.id != message.user_id:
        if digits == "1" and message.question == Question.OFFER:
            return _replies(language, [("offer_too_late", {})])
        return closed(language)
    replies: list[tuple[str, dict]] = []
    _apply(question, user, digits == "1", language, now,
           lambda template, **values: replies.append((template, values)))  # fmt: skip
    db.session.flush()
    return _replies(language, replies)


def _replies(language: str, replies: list[tuple[str, dict]]) -> str:
    parts = [(template, render_sms(template, language, **values)) for template, values in replies]
    parts.append(("voice_goodbye", voice_text("voice_goodbye", language)))
    return said(parts, language)
