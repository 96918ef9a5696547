"""The SMS conversation engine: keywords, sign-up by SMS, answers. State lives in Conversation.

`answer(inbound, user, now)` decides the replies to one inbound message and queues
them (flushes; the caller commits).
"""

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from civic_app.conversation.answers import answer_question, chosen, to_staff
from civic_app.conversation.channels import CHANNEL_KEYWORDS, choose_by_keyword
from civic_app.conversation.keywords import keyword, keyword_language
from civic_app.conversation.projects import list_projects, pick, waiting_request
from civic_app.conversation.signup import sign_up_step
from civic_app.conversation.states import SIGNING_UP, State
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.projects.enrolments import next_expected_session
from civic_app.sms.limits import spend_join
from civic_app.sms.models import Conversation, Message, OptOut
from civic_app.sms.operations import queue_sms
from civic_app.sms.optout import is_opted_out, opt_in, opt_out
from civic_app.sms.templates import render_sms, sms_number, sms_when

#: A sign-up left half-way starts again after this.
CONVERSATION_TIMEOUT = timedelta(hours=24)
#: A stopped number that keeps texting is told how to come back once per this.
STOPPED_INFO_EVERY = timedelta(days=7)


def _conversation(phone: str, now):
    conversation = db.session.scalar(db.select(Conversation).where(Conversation.phone == phone))
    if conversation is None:
        conversation = Conversation(phone=phone, state=State.IDLE, data={}, updated_at=now)
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
        conversation.state, conversation.data = State.IDLE, {}
    return conversation


def answer(inbound: Message, user, now) -> list[Message]:
    """The replies to one inbound message, queued (flushes; the caller commits).

    Every message gets one reply, but after STOP: the first message then learns how to
    come back (START), the next ones get silence.
    """
    phone = inbound.phone
    conversation = _conversation(phone, now)
    word = keyword(inbound.body)
    state = State._value2member_map_.get(conversation.state, State.IDLE)
    if user is not None:
        language = user.preferred_language
    elif state in SIGNING_UP and state is not State.SIGNUP_LANGUAGE:
        language = conversation.language
    else:  # before sign-up: the language the keyword was written in
        language = keyword_language(inbound.body) or conversation.language
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
                # Back by the channel it came by (a WhatsApp answered on WhatsApp).
                channel=inbound.channel if inbound.channel in ("sms", "whatsapp") else None,
            )
        )

    conversation.updated_at = now
    if word == "stop":
        opt_out(phone, "sms_keyword", now)
        conversation.state, conversation.data = State.IDLE, {}
        reply("stop_confirmation", kind="stop_confirmation")
    elif word == "start":
        opt_in(phone, "sms_keyword", now)
        reply("start_confirmation")
    elif is_opted_out(phone):
        inbound.needs_attention = word is None
        if not _told_how_to_restart(phone, now):
            reply("stopped_info", kind="stopped_info")
    elif word == "help":
        reply("help")
    elif word in CHANNEL_KEYWORDS:
        choose_by_keyword(user, word, now, reply)
    elif word == "join" or (word is None and user is None and state not in SIGNING_UP):
        # JOIN also starts a sign-up left half-way over again; so does any text we do not
        # understand from a number we do not know: the language menu reads in every
        # language, where a help text would be in one the person may not read.
        if user is not None:
            reply("already_registered")
        elif not spend_join(phone):
            inbound.needs_attention = True  # no reply: it would cost us and feed the flood
        else:
            conversation.state, conversation.data = State.SIGNUP_LANGUAGE, {}
            conversation.language = language
            reply("signup_language")
    elif state in SIGNING_UP:
        sign_up_step(conversation, inbound, now, reply)
    elif (
        state is State.CHOOSE_QUESTION
        and user is not None
        and chosen(conversation, inbound, user, language, now, reply)
    ):
        pass
    elif word in ("projects", "more"):
        if user is None:
            reply("not_registered")
        else:
            list_projects(conversation, inbound, user, language, now, reply, more=word == "more")
    elif (
        state is State.PICK_PROJECT
        and user is not None
        and pick(conversation, inbound, user, language, now, reply)
    ):
        pass
    elif word == "next":
        _next_session(user, language, now, reply)
    elif word == "hours":
        _hours(user, language, reply)
    elif word in ("yes", "no") and user is not None:
        answer_question(conversation, inbound, user, word == "yes", language, now, reply)
    elif user is not None:
        to_staff(inbound, reply)
    else:
        inbound.needs_attention = True
        reply("help")
    if conversation.state == State.CHOOSE_QUESTION and not replies:
        conversation.state, conversation.data = State.IDLE, {}
    db.session.flush()
    if user is None and conversation.state == State.IDLE:
        _adopt_messages(phone)
    return replies


def _told_how_to_restart(phone: str, now) -> bool:
    """Whether the number was told how to come back since it stopped (by STOP, by Twilio's
    report, by staff) and within STOPPED_INFO_EVERY: one such text, rate-limited, is all
    a stopped number gets."""
    stopped_at = db.session.scalar(db.select(OptOut.stopped_at).where(OptOut.phone == phone))
    since = max(as_utc(stopped_at) or now, now - STOPPED_INFO_EVERY)
    last_stop = db.session.scalar(
        db.select(func.max(Message.id)).where(
            Message.phone == phone, Message.kind == "stop_confirmation"
        )
    )
    return (
        db.session.scalar(
            db.select(Message.id)
            .where(
                Message.phone == phone,
                Message.kind == "stopped_info",
                Message.created_at >= since,
                Message.id > (last_stop or 0),
            )
            .limit(1)
        )
        is not None
    )


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


def _next_session(user, language: str, now, reply) -> None:
    """The next session the person is expected at: never one of a request staff have not
    accepted yet."""
    if user is None:
        reply("not_registered")
        return
    session = next_expected_session(user.id, now)
    if session is None:
        waiting = waiting_request(user)
        if waiting is None:
            reply("no_session")
        else:
            template, project = waiting
            reply(template, project=project.text(language)[0][:40])
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
