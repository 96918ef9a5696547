"""Plans over the year in one municipality, for `flask seed scale`: plans with their
signatures and history, and the certificates issued."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

from civic_app.plans.models import PlanStatus
from civic_app.plans.operations import content_hash
from civic_app.projects.models import EnrolmentStatus
from civic_app.seeding.bulk import split, stamp
from civic_app.seeding.scale_messages import message
from civic_app.sms.templates import render_sms


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
