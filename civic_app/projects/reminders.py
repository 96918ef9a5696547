"""Session reminders, derived from the data, never stored as jobs.

`sweep_sessions(now)` looks at the sessions about to start, and queues
what is due and not yet queued; the idempotency key (what, who, which reminder, which
version of the session) makes a second run, or a run after a crash, queue nothing
twice. Moving a session changes its version: reminders still waiting for the old time
are cancelled and the new time is reminded. Cancelling one tells whoever was reminded.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.extensions import db
from civic_app.projects.enrolments import expected_select
from civic_app.projects.models import (
    Project,
    ProjectSession,
    SessionStatus,
)
from civic_app.sms.models import Message, Question, Status
from civic_app.sms.operations import queue_many
from civic_app.sms.templates import render_sms, sms_when

#: Reminder offsets in hours before a session, unless a municipality sets its own.
DEFAULT_OFFSETS = (24, 2)


def offsets(municipality: Municipality) -> tuple[int, ...]:
    raw = getattr(municipality, "reminder_hours", None) or ""
    hours = sorted({int(h) for h in raw.split(",") if h.strip().isdigit()}, reverse=True)
    return tuple(hours) or DEFAULT_OFFSETS


def due_offset(starts_at: datetime, now: datetime, hours: tuple[int, ...]) -> int | None:
    """The reminder due now for a session: the latest whose time has come (one at a time)."""
    if now >= starts_at:
        return None
    due = [h for h in hours if starts_at - timedelta(hours=h) <= now]
    return min(due) if due else None


def sweep_sessions(now: datetime) -> dict[str, int]:
    """Queue the session reminders due at `now`, cancel outdated ones, tell cancellations."""
    counts = {"reminders": 0, "outdated": 0, "cancellations": 0}
    places = {m.id: m for m in db.session.scalars(db.select(Municipality))}
    horizon = max((max(offsets(m)) for m in places.values()), default=max(DEFAULT_OFFSETS))
    sessions = db.session.scalars(
        db.select(ProjectSession).where(
            ProjectSession.starts_at > now - timedelta(hours=1),
            ProjectSession.starts_at <= now + timedelta(hours=horizon),
        )
    ).all()
    project_ids = {s.project_id for s in sessions}
    projects = {
        p.id: p for p in db.session.scalars(db.select(Project).where(Project.id.in_(project_ids)))
    }
    # Everyone expected at each session (accepted, or who took a freed place, and did not
    # say NO): one statement for all the sessions of the window.
    expected = defaultdict(list)
    scheduled = [s.id for s in sessions if s.status == SessionStatus.SCHEDULED]
    for session_id, user_id in db.session.execute(expected_select(scheduled)) if scheduled else ():
        expected[session_id].append(user_id)
    people = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(User.id.in_({u for ids in expected.values() for u in ids}))
        )
    }
    rows = []
    for session in sessions:
        if session.status != SessionStatus.SCHEDULED:
            continue
        hours = due_offset(session.starts_at, now, offsets(places.get(session.municipality_id)))
        if hours is None:
            continue
        project = projects[session.project_id]
        place = session.venue.address if session.venue else project.place
        bodies: dict[str, str] = {}  # one text per language: formatting dates is the cost
        for user_id in sorted(expected[session.id]):
            person = people[user_id]
            if not person.phone:
                continue
            language = person.preferred_language
            body = bodies.get(language)
            if body is None:
                body = bodies[language] = render_sms(
                    "reminder", language, when=sms_when(session.starts_at, language),
                    project=project.text(language)[0][:40], place=(place or "-")[:40],
                )  # fmt: skip
            rows.append(
                {
                    "phone": person.phone, "body": body, "kind": "reminder",
                    "idempotency_key": (
                        f"reminder:s{session.id}:u{user_id}:h{hours}:v{session.sequence}"
                    ),
                    "user_id": user_id, "municipality_id": session.municipality_id,
                    "subject": ("session", session.id),
                    # Asks "will you come?" until the start; never sent after it (a
                    # reminder the quiet hours would push past the start is not sent).
                    "question": Question.SESSION, "expires_at": session.starts_at,
                }
            )  # fmt: skip
    counts["reminders"] = queue_many(rows, now)
    counts["outdated"] = _cancel_outdated(now)
    counts["cancellations"] = _tell_cancellations(now, sessions, projects, people)
    db.session.flush()
    return counts


def _cancel_outdated(now: datetime) -> int:
    """Queued reminders of a session that moved (new version) or was cancelled."""
    # Columns, not objects: every queued reminder is read (100,000 on a busy evening).
    waiting = db.session.execute(
        db.select(
            Message.id, Message.idempotency_key, ProjectSession.status, ProjectSession.sequence
        )
        .join(ProjectSession, ProjectSession.id == Message.subject_id)
        .where(
            Message.kind == "reminder",
            Message.subject_type == "session",
            Message.status == Status.QUEUED,
        )
    ).all()
    outdated = [
        message_id
        for message_id, key, status, sequence in waiting
        if status == SessionStatus.CANCELLED or not key.endswith(f":v{sequence}")
    ]
    if outdated:
        db.session.execute(
            db.update(Message)
            .where(Message.id.in_(outdated), Message.status == Status.QUEUED)
            .values(status=Status.CANCELLED, error_code="outdated", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(outdated)


def _tell_cancellations(now, sessions, projects, people) -> int:
    cancelled = {
        s.id: s for s in sessions if s.status == SessionStatus.CANCELLED and s.starts_at > now
    }
    if not cancelled:
        return 0
    reminded = db.session.execute(
        db.select(Message.subject_id, Message.user_id)
        .where(
            Message.kind == "reminder",
            Message.subject_type == "session",
            Message.subject_id.in_(list(cancelled)),
            Message.status.in_((Status.SENT, Status.DELIVERED, Status.SENDING, Status.UNKNOWN)),
        )
        .distinct()
    ).all()
    users = {
        u.id: u
        for u in db.session.scalars(db.select(User).where(User.id.in_({u for _s, u in reminded})))
    }
    rows = []
    for session_id, user_id in reminded:
        session, person = cancelled[session_id], users.get(user_id)
        if person is None or not person.phone:
            continue
        language = person.preferred_language
        project = projects.get(session.project_id) or db.session.get(Project, session.project_id)
        rows.append(
            {
                "phone": person.phone,
                "body": render_sms("session_cancelled", language,
                                   when=sms_when(session.starts_at, language),
                                   project=project.text(language)[0][:40]),
                "kind": "session_cancelled",
                "idempotency_key": f"cancelled:s{session_id}:u{user_id}",
                "user_id": user_id, "municipality_id": session.municipality_id,
                # Not at night (the quiet hours hold for every message but codes and
                # replies); useless once the session would have begun.
                "subject": ("session", session_id), "expires_at": session.starts_at,
            }
        )  # fmt: skip
    return queue_many(rows, now)
