"""What happened over the year in one municipality, for `flask seed scale`: attendance at
past sessions with the reminders and replies around it, plans with signatures and
certificates, login codes and texts staff read. See reports/scale.py.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

from civic_app.attendance.models import Mark
from civic_app.plans.models import EnrolmentStatus, PlanStatus
from civic_app.plans.plan_operations import content_hash
from civic_app.projects.models import SessionStatus
from civic_app.reports.scale import QUARTER, by_threshold, split, stamp
from civic_app.sms.models import Direction, Status
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import render_sms

FAILURES = ["30003", "30005", "30006", "30008"]


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


def message(
    ctx,
    rng,
    m,
    person,
    body,
    kind,
    at,
    *,
    inbound=False,
    key=None,
    subject=None,
    attention=False,
    read_at=None,
) -> None:
    """One SMS row, in or out, with a realistic delivery status."""
    segments = ctx.segments.get(body)
    if segments is None:
        segments = ctx.segments[body] = count_segments(body).segments
    status, error = Status.RECEIVED, None
    if not inbound:
        status = by_threshold(
            rng.random(),
            [(0.93, Status.DELIVERED), (0.96, Status.SENT), (0.98, Status.UNDELIVERED)],
            Status.FAILED,
        )
        if status in (Status.UNDELIVERED, Status.FAILED):
            error = rng.choice(FAILURES)
    ctx.rows.add(
        "message",
        {
            "municipality_id": m.id,
            "user_id": person.id,
            "direction": Direction.IN if inbound else Direction.OUT,
            "phone": person.phone,
            "body": body,
            "kind": kind,
            "urgent": kind == "login_code",
            "status": status,
            "idempotency_key": key,
            "provider_sid": "SM" + ctx.token(rng),
            "error_code": error,
            "attempts": 0 if inbound else 1,
            "next_attempt_at": None if inbound else at,
            "claimed_until": None,
            "sent_at": None if inbound else at + timedelta(seconds=2),
            "segments": segments,
            "subject_type": subject[0] if subject else None,
            "subject_id": subject[1] if subject else None,
            "needs_attention": attention,
            "read_at": read_at,
            "created_at": at,
            "updated_at": at,
        },
    )


def seed_plans(ctx, rng, m, count: int, hours: dict) -> None:
    took_part = [
        p
        for p in m.people
        if any(
            e.status != EnrolmentStatus.APPLIED
            and e.status != EnrolmentStatus.WAITLISTED
            and e.status != EnrolmentStatus.DECLINED
            for e in p.enrolments
        )
    ]
    others = [p for p in m.people if p not in took_part]
    chosen = rng.sample(took_part, min(count, len(took_part)))
    chosen += rng.sample(others, min(count - len(chosen), len(others)))
    chosen.sort(key=lambda p: (min((e.decided for e in p.enrolments), default=p.at), p.id))
    shares = split(len(chosen), [20, 10, 50, 10, 10])
    statuses = [
        s
        for s, n in zip(
            (
                PlanStatus.COMPLETED,
                PlanStatus.WITHDRAWN,
                PlanStatus.ACTIVE,
                PlanStatus.SIGNED,
                PlanStatus.DRAFT,
            ),
            shares,
            strict=True,
        )
        for _ in range(n)
    ]
    for person, status in zip(chosen, statuses, strict=True):
        _plan(ctx, rng, m, person, status, hours.get(person.id, Decimal(0)))


def _plan(ctx, rng, m, person, status, done: Decimal) -> None:
    today = ctx.today
    begun = min((e.decided for e in person.enrolments), default=person.at)
    begun = min(begun, ctx.cutoff - timedelta(days=3))
    start = begun.astimezone(ctx.zone).date()
    end = max(start + timedelta(days=180), today + timedelta(days=30))
    if status == PlanStatus.COMPLETED:
        end = min(start + timedelta(days=180), today - timedelta(days=rng.randint(1, 20)))
        start = min(start, end - timedelta(days=30))
    projects = sorted({e.project.id for e in person.enrolments})
    tutor = next((e.project.tutors[0] for e in person.enrolments), m.tutors[0])
    row = {
        "municipality_id": m.id,
        "participant_id": person.id,
        "tutor_id": tutor,
        "goals": "Lavorare in squadra, conoscere il quartiere, migliorare l'italiano.",
        "goals_translated": "",
        "target_hours": Decimal(rng.choice([40, 60, 80, 100])),
        "start_date": start,
        "end_date": end,
        "notes": "",
        "status": status,
        "version": 1,
    }
    created = ctx.utc(start, time(11))
    plan_id = ctx.rows.add("plan", stamp(row, created))
    for project_id in projects:
        ctx.rows.add("plan_project", {"plan_id": plan_id, "project_id": project_id}, with_id=False)
    if status == PlanStatus.DRAFT:
        return
    digest = content_hash(
        NS(
            participant_id=person.id,
            projects=[NS(id=p) for p in projects],
            tutor_id=tutor,
            **{
                k: row[k]
                for k in (
                    "version",
                    "goals",
                    "goals_translated",
                    "target_hours",
                    "start_date",
                    "end_date",
                    "notes",
                )
            },
        )
    )
    signed = min(created + timedelta(days=2), ctx.cutoff - timedelta(hours=2))
    for role, signer, method, at in (
        ("participant", person.id, "sms_code", signed),
        ("staff", m.staff[0], "password_session", signed + timedelta(hours=1)),
    ):
        ctx.rows.add(
            "plan_signature",
            {
                "plan_id": plan_id,
                "version": 1,
                "content_hash": digest,
                "signer_id": signer,
                "signer_role": role,
                "method": method,
                "signed_at": at,
            },
        )
    steps = [(PlanStatus.DRAFT, PlanStatus.SIGNED, "", signed + timedelta(hours=1))]
    if status != PlanStatus.SIGNED:
        steps.append(
            (
                PlanStatus.SIGNED,
                PlanStatus.ACTIVE,
                "Inizio delle attività",
                signed + timedelta(days=1),
            )
        )
    if status == PlanStatus.COMPLETED:
        steps.append((PlanStatus.ACTIVE, status, "Ore del piano fatte", ctx.utc(end, time(17))))
    if status == PlanStatus.WITHDRAWN:
        left = min(signed + timedelta(days=rng.randint(20, 90)), ctx.cutoff - timedelta(hours=1))
        steps.append((PlanStatus.ACTIVE, status, "Ha trovato lavoro", left))
    for before, after, reason, at in steps:
        ctx.rows.add(
            "plan_event",
            {
                "plan_id": plan_id,
                "from_status": str(before),
                "to_status": str(after),
                "reason": reason,
                "actor_id": m.staff[0],
                "at": at,
            },
        )
    if status == PlanStatus.COMPLETED and done:
        _certificate(ctx, m, person, ctx.utc(end, time(12)) + timedelta(days=3))
    if status == PlanStatus.ACTIVE and person.sms and done * 2 >= row["target_hours"]:
        name = "target_reached" if done >= row["target_hours"] else "half_target"
        body = render_sms(
            name, person.language, done=f"{done:.0f}", target=f"{row['target_hours']:.0f}"
        )
        message(
            ctx,
            rng,
            m,
            person,
            body,
            name,
            ctx.cutoff - timedelta(days=1),
            key=f"milestone:p{plan_id}:{name}",
            subject=("plan", plan_id),
        )


def _certificate(ctx, m, person, issued: datetime) -> None:
    issued = min(issued, ctx.cutoff - timedelta(hours=1))
    titles = {p.id: p for p in m.projects}
    by_project = [
        {
            "project_id": pid,
            "title": titles[pid].title,
            "sector": str(titles[pid].row["sector"]),
            "hours": str(total.quantize(Decimal("0.01"))),
            "first": first.astimezone(ctx.zone).date().isoformat(),
            "last": last.astimezone(ctx.zone).date().isoformat(),
        }
        for pid, (total, first, last) in sorted(person.hours.items())
    ]
    ctx.rows.add(
        "certificate",
        {
            "municipality_id": m.id,
            "participant_id": person.id,
            "issued_at": issued,
            "issued_by_id": m.staff[0],
            "initials": f"{person.first[0]}. {person.last[0]}.",
            "period_start": date.fromisoformat(min(p["first"] for p in by_project)),
            "period_end": date.fromisoformat(max(p["last"] for p in by_project)),
            "total_hours": sum((Decimal(p["hours"]) for p in by_project), Decimal("0.00")),
            "by_project": by_project,
            "revoked_at": None,
        },
    )


def other_messages(ctx, rng, m) -> None:
    """Login codes, and texts the conversation engine did not understand (read by staff)."""
    for person in m.people:
        span = max(int((ctx.cutoff - person.at).total_seconds() // 60), 1)
        for _n in range(rng.randint(1, 4)):
            at = person.at + timedelta(minutes=rng.randrange(span))
            code = f"{rng.randrange(10**6):06d}"
            message(
                ctx,
                rng,
                m,
                person,
                render_sms("login_code", person.language, code=code),
                "login_code",
                at,
            )
        if rng.random() < 0.03:
            at = person.at + timedelta(minutes=rng.randrange(span))
            read = at + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.8 else None
            if read is not None and read >= ctx.cutoff:
                read = None
            message(
                ctx,
                rng,
                m,
                person,
                "Buongiorno, domani non posso venire, scusate",
                "inbound",
                at,
                inbound=True,
                attention=True,
                read_at=read,
            )
            if read:
                message(ctx, rng, m, person, "Grazie per averci avvisato.", "staff_reply", read)
