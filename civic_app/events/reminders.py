"""Events: invitations 7 days before, reminders the day before, cancellation notices.

Derived from the data like the session reminders (`projects.reminders`): the idempotency
key (what, which event, who) makes a second sweep queue nothing twice."""

from datetime import datetime, timedelta

from civic_app.events.audience import invited_query
from civic_app.events.models import CommunityEvent, EventRsvp
from civic_app.extensions import db
from civic_app.projects.models import (
    Venue,
)
from civic_app.sms.models import Question
from civic_app.sms.operations import queue_many
from civic_app.sms.templates import render_sms, sms_when

EVENT_INVITE_BEFORE = timedelta(days=7)


EVENT_REMINDER_BEFORE = timedelta(days=1)


def _event_rows(event, people, template: str, key: str, now) -> list[dict]:
    venue = db.session.get(Venue, event.venue_id)
    rows = []
    for person in people:
        if not person.phone:
            continue
        language = person.preferred_language
        rows.append(
            {
                "phone": person.phone,
                "body": render_sms(
                    template, language, when=sms_when(event.starts_at, language),
                    title=event.title[:40], place=(venue.address if venue else "-")[:40],
                ),
                "kind": template, "idempotency_key": f"{key}:e{event.id}:u{person.id}",
                "user_id": person.id, "municipality_id": event.municipality_id,
                "subject": ("event", event.id),
                **({} if template == "event_cancelled" else {
                    "question": Question.EVENT, "expires_at": event.starts_at,
                }),
            }
        )  # fmt: skip
    return rows


def announce_event(event, now: datetime) -> int:
    """Invite everyone the event is for, now (the T-7d invitation, if sooner). Flushes."""

    if event.starts_at - EVENT_INVITE_BEFORE > now:
        return len(db.session.scalars(invited_query(event)).all())
    people = db.session.scalars(invited_query(event)).all()
    return queue_many(_event_rows(event, people, "event_invite", "event-invite", now), now)


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
        people = db.session.scalars(invited_query(event)).all()
        counts["event invitations"] += queue_many(
            _event_rows(event, people, "event_invite", "event-invite", now), now
        )
        if event.starts_at - EVENT_REMINDER_BEFORE <= now:
            declined = set(
                db.session.scalars(
                    db.select(EventRsvp.participant_id).where(
                        EventRsvp.event_id == event.id, EventRsvp.coming.is_(False)
                    )
                )
            )
            counts["event reminders"] += queue_many(
                _event_rows(event, [p for p in people if p.id not in declined],
                            "event_reminder", "event-reminder", now),
                now,
            )  # fmt: skip
    return counts


def tell_event_cancelled(event, now: datetime) -> int:

    declined = set(
        db.session.scalars(
            db.select(EventRsvp.participant_id).where(
                EventRsvp.event_id == event.id, EventRsvp.coming.is_(False)
            )
        )
    )
    people = [p for p in db.session.scalars(invited_query(event)) if p.id not in declined]
    rows = _event_rows(event, people, "event_cancelled", "event-cancelled", now)
    for row in rows:
        row["urgent"] = True  # it may be tonight: better during quiet hours than too late
    return queue_many(rows, now)
