"""Answers to the questions we asked: a 1/YES or 2/NO to a session reminder, an offer of a
freed place or an event; "which one?" when two are open. Flushes."""

from civic_app.conversation.keywords import normalize
from civic_app.conversation.questions import OpenQuestion, lapsed_offer, open_questions
from civic_app.conversation.states import State
from civic_app.core.errors import DomainError
from civic_app.events.models import CommunityEvent
from civic_app.events.operations import answer as answer_event
from civic_app.extensions import db
from civic_app.projects.enrolments import answer_for_session, places_free, session_answer
from civic_app.projects.models import ProjectSession, SessionOffer
from civic_app.projects.offers import LATE_REPLY, answer_offer, offer_freed_place
from civic_app.sms.models import Message, Question
from civic_app.sms.templates import render_sms, sms_when


def to_staff(inbound: Message, reply) -> None:
    """A text the engine does not read (a sentence, a 1/2 with no question open): staff do."""
    inbound.needs_attention = True
    reply("passed_to_staff")


def answer_question(conversation, inbound, user, yes: bool, language, now, reply) -> None:
    """A 1/YES or 2/NO: the answer to the one open question; with two open, ask which."""
    questions = open_questions(inbound.phone, now)
    if not questions:
        if yes and lapsed_offer(inbound.phone, now, LATE_REPLY):
            reply("offer_too_late")
        else:
            to_staff(inbound, reply)
        return
    if len(questions) == 1:
        _apply(questions[0], user, yes, language, now, reply)
        return
    first, second = questions[:2]
    conversation.state = State.CHOOSE_QUESTION
    conversation.data = {
        "yes": yes,
        "options": [[q.kind.value, q.subject_id] for q in (first, second)],
    }
    reply(
        "which_question",
        first=_describe(first, language),
        second=_describe(second, language),
    )


def chosen(conversation, inbound, user, language, now, reply) -> bool:
    """The pick after "which one?": True when the message was a pick (and applied)."""
    data = dict(conversation.data or {})
    choice = normalize(inbound.body)
    options = data.get("options") or []
    conversation.state, conversation.data = State.IDLE, {}
    if choice not in ("1", "2") or len(options) < int(choice):
        return False
    kind, subject_id = options[int(choice) - 1]
    for question in open_questions(inbound.phone, now):
        if question.kind == kind and question.subject_id == subject_id:
            _apply(question, user, bool(data.get("yes")), language, now, reply)
            return True
    if data.get("yes") and kind == Question.OFFER:
        reply("offer_too_late")
    else:
        to_staff(inbound, reply)
    return True


def _describe(question: OpenQuestion, language: str) -> str:
    template = {
        Question.SESSION: "question_session",
        Question.OFFER: "question_offer",
        Question.EVENT: "question_event",
    }[question.kind]
    return render_sms(template, language, when=sms_when(question.starts_at, language))


def _apply(question: OpenQuestion, user, yes: bool, language, now, reply) -> None:
    if question.kind is Question.OFFER:
        offer = db.session.get(SessionOffer, question.subject_id)
        template = answer_offer(offer, yes, now)
        if template == "offer_taken":
            session = db.session.get(ProjectSession, offer.session_id)
            reply(template, **_where(session, language))
        else:
            reply(template)
    elif question.kind is Question.SESSION:
        _answer_session(db.session.get(ProjectSession, question.subject_id), user, yes, language,
                        now, reply)  # fmt: skip
    else:
        _answer_event(db.session.get(CommunityEvent, question.subject_id), user, yes, now, reply)


def _where(session: ProjectSession, language: str) -> dict:
    place = session.venue.address if session.venue else session.project.place
    return {"when": sms_when(session.starts_at, language), "place": (place or "-")[:40]}


def _answer_session(session: ProjectSession, user, coming: bool, language, now, reply) -> None:
    """YES/NO to a session reminder. A NO frees the place (offered to the waitlist); a YES
    after a NO takes it back only if it is still free."""
    rsvp = session_answer(session, user.id)
    if coming and rsvp is not None and rsvp.coming is False and places_free(session) <= 0:
        reply("place_went", when=sms_when(session.starts_at, language))
        return
    answer_for_session(session, user.id, coming, now, "sms")
    if not coming:
        offer_freed_place(session, now)
    reply("rsvp_yes" if coming else "rsvp_no")


def _answer_event(event: CommunityEvent, user, coming: bool, now, reply) -> None:
    try:
        answer_event(event, user, coming, now, "sms")
    except DomainError:
        reply("passed_to_staff")
        return
    reply("rsvp_yes" if coming else "rsvp_no")
