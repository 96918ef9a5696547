"""Events: invitations 7 days before, reminders the day before, notices of a change or a
cancellation.

Derived from the data like the session reminders (`projects.reminders`): the idempotency
key (what, which event, who, and the event's `sequence` once it has changed: ":v2") makes a
second sweep queue nothing twice, and a moved event's reminder is queued again for its
new time. A person is invited once per event; what changes after is told by a notice."""

from datetime import datetime, timedelta

from sqlalchemy import or_

from civic_app.core.accounts import User
from civic_app.events.audience import invited_query
from civic_app.events.models import CommunityEvent, EventRsvp
from civic_app.extensions import db
from civic_app.projects.models import Venue
from civic_app.sms.models import Message, Question, Status
from civic_app.sms.operations import cancel_queued, queue_many
from civic_app.sms.templates import render_sms, sms_when

EVENT_INVITE_BEFORE = timedelta(days=7)
EVENT_REMINDER_BEFORE = timedelta(days=1)
#: The texts that ask "will you come?" and end at the event's start.
ASKING = frozenset({"event_invite", "event_changed"})
#: What a change is told with: one event, or a series from one date on.
NOTICES = ("event_changed", "event_series_changed")


#: A notice of a change queued this close to the event's start stands for the reminder:
#: it said the same, a few hours earlier at most.
NOTICE_STANDS_FOR_REMINDER = timedelta(hours=36)


def _event_rows(event, people, template: str, key: str, now, *, versioned=False) -> list[dict]:
    """One text per person; a `versioned` key ends with the event's sequence once it has
    changed (":v2"), so that what describes the event as it is now is queued again."""
    venue = db.session.get(Venue, event.venue_id)
    suffix = f":v{event.sequence}" if versioned and event.sequence else ""
    rows = []
    for person in people:
        if not person.phone:
            continue
        language = person.preferred_language
        title = event.text(language)[0][:40]
        rows.append(
            {
                "phone": person.phone,
                "body": render_sms(
                    template, language, when=sms_when(event.starts_at, language),
                    title=title, place=(venue.address if venue else "-")[:40],
                ),
                "kind": template, "idempotency_key": f"{key}:e{event.id}:u{person.id}{suffix}",
                "user_id": person.id, "municipality_id": event.municipality_id,
                "subject": ("event", event.id),
                **({"question": Question.EVENT, "expires_at": event.starts_at}
                   if template in ASKING else {}),
            }
        )  # fmt: skip
    return rows


def _answered(event, coming: bool) -> set[int]:
    return set(
        db.session.scalars(
            db.select(EventRsvp.participant_id).where(
                EventRsvp.event_id == event.id, EventRsvp.coming.is_(coming)
            )
        )
    )


def _texted(event, kinds, *, since: datetime | None = None) -> set[int]:
    """People with a message of `kinds` about the event that was not cancelled."""
    query = db.select(Message.user_id).where(
        Message.subject_type == "event",
        Message.subject_id == event.id,
        Message.kind.in_(kinds),
        Message.status != Status.CANCELLED,
    )
    if since is not None:
        query = query.where(Message.created_at >= since)
    return set(db.session.scalars(query))


def invite_due(event, now: datetime) -> int:
    """Invite the people the event is for who have neither an invitation (one withdrawn
    before it left, when the event changed, does not count) nor an answer. Flushes."""
    texted = _texted(event, ("event_invite",)) | _answered(event, True) | _answered(event, False)
    people = [p for p in db.session.scalars(invited_query(event)) if p.id not in texted]
    rows = _event_rows(event, people, "event_invite", "event-invite", now, versioned=True)
    return queue_many(rows, now)


def announce_event(event, now: datetime) -> int:
    """Invite everyone the event is for, now (the T-7d invitation, if sooner). Flushes."""

    if event.starts_at - EVENT_INVITE_BEFORE > now:
        return len(db.session.scalars(invited_query(event)).all())
    return invite_due(event, now)


def coming_people(event) -> list:
    """Who is expected: the people the event is for and those who said YES (still
    expected if the audience changed after), less those who said NO."""
    declined = _answered(event, False)
    query = db.select(User).where(
        or_(
            User.id.in_(invited_query(event).with_only_columns(User.id)),
            User.id.in_(_answered(event, True)),
        ),
        User.is_active_account.is_(True),
    )
    return [p for p in db.session.scalars(query.order_by(User.id)) if p.id not in declined]


def remind_due(event, now: datetime) -> int:
    """The day-before reminder, for the event's time and place as they are now. A notice
    of the change queued within NOTICE_STANDS_FOR_REMINDER of the start stands for it."""
    told = _texted(event, NOTICES, since=event.starts_at - NOTICE_STANDS_FOR_REMINDER)
    people = [p for p in coming_people(event) if p.id not in told]
    rows = _event_rows(event, people, "event_reminder", "event-reminder", now, versioned=True)
    return queue_many(rows, now)


def sweep_events(now: datetime) -> dict[str, int]:
    """Invitations 7 days before an event, reminders the day before (not to those who said NO)."""

    counts = {"event invitations": 0, "event reminders": 0}
    events = db.session.scalars(
        db.select(CommunityEvent).where(
            CommunityEvent.status == "scheduled",
            CommunityEvent.starts_at > now,
            CommunityEvent.starts_at <= now + EVENT_INVITE_BEFORE,
        )
    ).all()
    for event in events:
        counts["event invitations"] += invite_due(event, now)
        if event.starts_at - EVENT_REMINDER_BEFORE <= now:
            counts["event reminders"] += remind_due(event, now)
    counts["event texts outdated"] = _withdraw_outdated(events, now)
    return counts


def _version(key: str) -> int:
    last = key.rsplit(":", 1)[-1]
    return int(last[1:]) if last.startswith("v") and last[1:].isdigit() else 0


def _withdraw_outdated(events, now: datetime) -> int:
    """Texts still waiting that describe an earlier version of their event: queued by a
    sweep that read the event just before a change was saved."""
    sequence = {event.id: event.sequence for event in events}
    if not sequence:
        return 0
    waiting = db.session.execute(
        db.select(Message.id, Message.idempotency_key, Message.subject_id).where(
            Message.subject_type == "event",
            Message.subject_id.in_(sequence),
            Message.kind.in_(("event_invite", "event_reminder", *NOTICES)),
            Message.status == Status.QUEUED,
        )
    ).all()
    outdated = [mid for mid, key, event_id in waiting if _version(key) != sequence[event_id]]
    if outdated:
        db.session.execute(
            db.update(Message)
            .where(Message.id.in_(outdated), Message.status == Status.QUEUED)
            .values(status=Status.CANCELLED, error_code="moved", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(outdated)


def tell_event_cancelled(event, now: datetime) -> int:
    """Withdraw what is still waiting about the event and tell who was coming."""
    withdraw_texts(event, now)
    rows = _event_rows(event, coming_people(event), "event_cancelled", "event-cancelled", now)
    for row in rows:
        row["urgent"] = True  # it may be tonight: better during quiet hours than too late
    return queue_many(rows, now)


#: The states of a message that has left the outbox: its reader knows what it said.
LEFT = (Status.SENDING, Status.SENT, Status.DELIVERED, Status.UNKNOWN)


def to_tell(event) -> set[int]:
    """Who must hear of a change: those who said YES and those a text about the event has
    reached (an invitation, a reminder, an earlier notice), less those who said NO."""
    reached = set(
        db.session.scalars(
            db.select(Message.user_id).where(
                Message.subject_type == "event",
                Message.subject_id == event.id,
                Message.status.in_(LEFT),
                Message.user_id.is_not(None),
            )
        )
    )
    return (reached | _answered(event, True)) - _answered(event, False)


def withdraw_texts(event, now: datetime) -> int:
    """The event's invitations, reminders and notices still in the outbox: they describe
    it as it was. Flushes; returns how many."""
    kinds = ("event_invite", "event_reminder", *NOTICES)
    return cancel_queued(("event", event.id), kinds, "moved", now)


def notice_rows(event, people: list, template: str, now, earliest: datetime) -> list[dict]:
    """The notice of a change to `people` (urgent when the event, at its old or its new
    time, is within a day: better during quiet hours than too late)."""
    rows = _event_rows(event, people, template, template.replace("_", "-"), now, versioned=True)
    for row in rows:
        row["urgent"] = earliest - now <= EVENT_REMINDER_BEFORE
    return rows


def tell_changed(event, now: datetime, earliest: datetime) -> int:
    """One text to everyone `to_tell` names, with the event's new title, time and place."""
    wanted = to_tell(event)
    people = db.session.scalars(
        db.select(User).where(User.id.in_(wanted), User.is_active_account.is_(True))
    ).all()
    return queue_many(notice_rows(event, people, "event_changed", now, earliest), now)
