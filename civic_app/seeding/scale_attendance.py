"""Attendance over the year in one municipality, for `flask seed scale`: marks at past
sessions, with the reminders and replies around them (`scale_messages`)."""

from datetime import timedelta
from decimal import Decimal

from civic_app.attendance.models import Mark
from civic_app.projects.models import EnrolmentStatus, SessionStatus
from civic_app.seeding.bulk import QUARTER
from civic_app.seeding.scale_messages import message
from civic_app.sms.templates import render_sms


def attendance(ctx, rng, m) -> dict:
    """Marks for the past sessions of everyone accepted then; a reminder the day before,
    and sometimes a YES/NO reply to it. Returns {participant id: hours}."""
    came = (EnrolmentStatus.ACCEPTED, EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN)
    hours_by_person = {}
    for project in m.projects:
        expected = [e for e in project.enrolments if e.status in came]
        for session in project.sessions:
            if session.starts_at >= ctx.cutoff or session.status != SessionStatus.SCHEDULED:
                continue
            for e in expected:
                if e.decided > session.starts_at or (e.left and e.left <= session.starts_at):
                    continue
                person = e.person
                coming = None
                if person.sms:
                    coming = _reminder(ctx, rng, m, project, session, person)
                roll = rng.random()
                if coming is False or roll > person.reliability:
                    mark = Mark.EXCUSED if coming is False or rng.random() < 0.4 else Mark.ABSENT
                    hours = Decimal("0.00")
                else:
                    mark = rng.choices([Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY], [80, 14, 6])[0]
                    cut = {Mark.PRESENT: 0, Mark.LATE: QUARTER * 2, Mark.LEFT_EARLY: 1}[mark]
                    hours = max(session.hours - cut, QUARTER).quantize(Decimal("0.01"))
                ctx.rows.add(
                    "attendance",
                    {
                        "municipality_id": m.id,
                        "session_id": session.id,
                        "session_starts_at": session.starts_at,
                        "project_id": project.id,
                        "participant_id": person.id,
                        "mark": mark,
                        "hours": hours,
                        "walk_in": False,
                        "recorded_by_id": project.tutors[0],
                        "recorded_at": session.ends_at + timedelta(minutes=rng.randint(5, 90)),
                    },
                )
                if hours:
                    spans = person.hours.setdefault(project.id, [Decimal(0), None, None])
                    spans[0] += hours
                    spans[1] = spans[1] or session.starts_at
                    spans[2] = session.starts_at
                    hours_by_person[person.id] = hours_by_person.get(person.id, 0) + hours
    return hours_by_person


def _reminder(ctx, rng, m, project, session, person) -> bool | None:
    """The 24-hour reminder (the sweep's own key, so it is not sent again); the answer."""
    at = session.starts_at - timedelta(hours=24)
    local = session.starts_at.astimezone(ctx.zone)
    body = render_sms(
        "reminder",
        person.language,
        when=f"{local:%d/%m %H:%M}",
        project=project.title[:40],
        place=project.venue[:40],
    )
    key = f"reminder:s{session.id}:u{person.id}:h24:v{session.sequence}"
    message(ctx, rng, m, person, body, "reminder", at, key=key, subject=("session", session.id))
    if rng.random() > 0.12:
        return None
    coming = rng.random() < 0.7
    answered = at + timedelta(minutes=rng.randint(2, 600))
    message(ctx, rng, m, person, "1" if coming else "2", "inbound", answered, inbound=True)
    message(
        ctx,
        rng,
        m,
        person,
        render_sms("rsvp_yes" if coming else "rsvp_no", person.language),
        "reply",
        answered + timedelta(seconds=5),
    )
    ctx.rows.add(
        "rsvp",
        {
            "municipality_id": m.id,
            "session_id": session.id,
            "participant_id": person.id,
            "coming": coming,
            "answered_at": answered,
            "source": "sms",
        },
    )
    return coming
