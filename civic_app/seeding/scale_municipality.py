"""The ground of one municipality for `flask seed scale` (see seeding/scale.py): its staff
and tutors, venues, projects with a year of weekly sessions, participants with their
consents, and enrolments. What then happens over the year is in scale_attendance.py, scale_plans.py,
scale_messages.py and scale_events.py. Everything is drawn from `rng` in a fixed order.
"""

from datetime import date, time, timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

from civic_app.core.accounts import REFERRAL_SOURCES
from civic_app.core.consent import CONSENT_VERSION
from civic_app.core.permissions import Role
from civic_app.projects.models import EnrolmentStatus, ProjectStatus, Sector, SessionStatus
from civic_app.projects.operations import build_rrule
from civic_app.seeding.bulk import (
    CITIZENSHIPS,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LANGUAGES,
    LAST_NAMES,
    PHONE_PREFIX,
    QUARTER,
    by_threshold,
    stamp,
    user_row,
)
from civic_app.seeding.scale_attendance import attendance
from civic_app.seeding.scale_events import seed_events
from civic_app.seeding.scale_messages import message, other_messages
from civic_app.seeding.scale_plans import seed_plans
from civic_app.sms.templates import render_sms

TITLES = {
    Sector.GREEN: ["Cura del parco", "Orti urbani", "Verde di quartiere", "Aiuole condivise"],
    Sector.CARE: ["Compagnia agli anziani", "Doposcuola solidale", "Spesa per chi non esce"],
    Sector.SAFETY: ["Sentinelle del quartiere", "Strade sicure", "Argini e fossi puliti"],
}
STARTS = [time(9), time(9, 30), time(14, 30), time(16)]


def seed_municipality(ctx, rng, municipality: dict, people: int, plans: int) -> NS:
    """All the rows of one municipality, into `ctx.rows`; returns what casework needs."""
    m = NS(id=municipality["id"], slug=municipality["slug"], name=municipality["name"])
    m.staff = [_account(ctx, m, Role.STAFF, n) for n in (1, 2)]
    m.tutors = [_account(ctx, m, Role.TUTOR, n) for n in range(1, max(2, people // 40) + 1)]
    m.projects = _projects(ctx, rng, m)
    m.people = _participants(ctx, rng, m, people)
    _enrolments(ctx, rng, m)
    hours = attendance(ctx, rng, m)
    seed_plans(ctx, rng, m, plans, hours)
    seed_events(ctx, rng, m)
    other_messages(ctx, rng, m)
    return m


def _account(ctx, m, role: Role, n: int) -> int:
    at = ctx.utc(ctx.today - timedelta(days=360), time(9))
    email = f"{role.value}{n}.{m.slug}@{EMAIL_DOMAIN}"
    first = "Staff" if role == Role.STAFF else "Tutor"
    return ctx.rows.add(
        "user", user_row(ctx, role, m.id, first, f"{n} {m.name}", email=email, at=at)
    )


def _projects(ctx, rng, m) -> list:
    count = rng.randint(5, 8)
    sectors = list(Sector) + [rng.choice(list(Sector)) for _ in range(count - 3)]
    rng.shuffle(sectors)
    today, projects = ctx.today, []
    created = ctx.utc(today - timedelta(days=345), time(10))
    house = {
        "municipality_id": m.id,
        "name": f"Casa di quartiere {m.name}",
        "address": f"Via della Comunità 1, {m.name}",
        "capacity": 80,
        "latitude": None,
        "longitude": None,
    }
    m.house = ctx.rows.add("venue", stamp(house, created))
    for n, sector in enumerate(sectors):
        # The first project ended two months ago, the second starts soon, the last of a
        # big municipality is a draft; the others run through the year.
        kind = "closed" if n == 0 else "future" if n == 1 else "running"
        if n == count - 1 and count >= 7:
            kind = "draft"
        if kind == "closed":
            start, end = today - timedelta(days=330), today - timedelta(days=60)
        elif kind in ("future", "draft"):
            start = today + timedelta(days=rng.randint(7, 21))
            end = start + timedelta(days=180)
        else:
            start = today - timedelta(days=rng.randint(200, 330))
            end = today + timedelta(days=rng.randint(30, 120))
        title = f"{rng.choice(TITLES[sector])} {n + 1}"
        venue = {
            "municipality_id": m.id,
            "name": f"{title} ({m.name})",
            "address": f"Via {LAST_NAMES[n % len(LAST_NAMES)]} {n + 3}, {m.name}",
            "capacity": 40,
            "latitude": 41.0 + rng.random(),
            "longitude": 12.0 + rng.random(),
        }
        venue_id = ctx.rows.add("venue", stamp(venue, created))
        languages = ["it", *sorted(rng.sample(["en", "fr", "ar", "uk", "bn"], rng.randint(0, 3)))]
        status = {"closed": ProjectStatus.CLOSED, "draft": ProjectStatus.DRAFT}.get(
            kind, ProjectStatus.PUBLISHED
        )
        row = {
            "municipality_id": m.id,
            "title": title,
            "description": f"{title}: attività di impegno civico a {m.name}, in gruppo, "
            "con un tutor del Comune.",
            "translations": {"en": {"title": f"{title} (EN)", "description": "Civic work."}}
            if rng.random() < 0.3
            else {},
            "sector": sector,
            "status": status,
            "venue_id": venue_id,
            "address": "",
            "latitude": None,
            "longitude": None,
            "meeting_point": "Ingresso principale",
            "capacity": 0,
            "min_age": 18,
            "languages": "," + ",".join(languages) + ",",
            "what_to_bring": "Scarpe comode.",
            "accessibility": "",
            "start_date": start,
            "end_date": end,
            "copied_from_template_id": None,
        }
        project_id = ctx.rows.add("project", stamp(row, created))
        tutors = sorted(rng.sample(m.tutors, min(len(m.tutors), rng.randint(1, 2))))
        for tutor in tutors:
            ctx.rows.add(
                "project_tutor", {"project_id": project_id, "user_id": tutor}, with_id=False
            )
        project = NS(
            id=project_id,
            row=row,
            kind=kind,
            title=title,
            tutors=tutors,
            venue=venue["name"],
            sessions=[],
            enrolments=[],
        )
        if kind != "draft":
            _sessions(ctx, rng, m, project, start, end, venue_id, created)
        projects.append(project)
    return projects


def _sessions(ctx, rng, m, project, start: date, end: date, venue_id: int, created) -> None:
    weekdays = sorted(rng.sample(range(6), 1 if rng.random() < 0.6 else 2))
    at, minutes = rng.choice(STARTS), rng.choice([120, 150, 180, 240])
    first = start + timedelta(days=(weekdays[0] - start.weekday()) % 7)
    schedule = {
        "municipality_id": m.id,
        "project_id": project.id,
        "rrule": build_rrule(weekdays, end),
        "first_start": f"{first:%Y-%m-%d}T{at:%H:%M}",
        "duration_minutes": minutes,
    }
    schedule_id = ctx.rows.add("schedule", stamp(schedule, created))
    hours = (Decimal(minutes) / 60).quantize(QUARTER)
    day = start
    while day <= end:
        if day.weekday() in weekdays:
            starts = ctx.utc(day, at)
            cancelled = rng.random() < 0.02
            row = {
                "municipality_id": m.id,
                "project_id": project.id,
                "schedule_id": schedule_id,
                "venue_id": venue_id,
                "starts_at": starts,
                "ends_at": starts + timedelta(minutes=minutes),
                "local_weekday": day.weekday(),
                "status": SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
                "uid": ctx.token(rng),
                "sequence": 1 if cancelled else 0,
                "is_exception": cancelled,
                "note": "Maltempo" if cancelled else "",
            }
            row["id"] = ctx.rows.add("project_session", stamp(row, created))
            project.sessions.append(NS(**row, hours=hours))
        day += timedelta(days=1)


def _participants(ctx, rng, m, count: int) -> list:
    people = []
    for _n in range(count):
        ctx.phone_counter += 1
        joined = ctx.today - timedelta(days=rng.randint(1, 340))
        at = ctx.utc(joined, time(rng.randint(8, 19), rng.choice([0, 15, 30, 45])))
        via = rng.choices(["web", "sms", "assisted"], [55, 25, 20])[0]
        language = rng.choice(LANGUAGES)
        opted_out = rng.random() < 0.02
        row = user_row(
            ctx,
            Role.PARTICIPANT,
            m.id,
            FIRST_NAMES[rng.randrange(len(FIRST_NAMES))],
            LAST_NAMES[rng.randrange(len(LAST_NAMES))],
            at=at,
            phone=f"{PHONE_PREFIX}{ctx.phone_counter:07d}",
            preferred_language=language,
            signed_up_via=via,
            referral_source=rng.choice(REFERRAL_SOURCES) if via == "assisted" else "self",
            sectors_of_interest="," + rng.choice(list(Sector)).value + ",",
            sms_opt_out_at=at + timedelta(days=1) if opted_out else None,
            sex=rng.choice(["female", "male", "male", "other", None]),
            birth_year=rng.randint(1960, 2006) if rng.random() < 0.8 else None,
            citizenship=rng.choice(CITIZENSHIPS) if rng.random() < 0.85 else None,
            vulnerabilities=",single_parent," if rng.random() < 0.08 else "",
            last_login_at=at + timedelta(days=rng.randint(0, 20)),
        )
        person = NS(
            id=ctx.rows.add("user", row),
            phone=row["phone"],
            language=language,
            at=at,
            sms=not opted_out,
            reliability=rng.uniform(0.5, 0.97),
            hours={},
            first=row["first_name"],
            last=row["last_name"],
            enrolments=[],
        )
        method = {"web": "web", "sms": "sms", "assisted": "paper"}[via]
        for purpose in ("programme", "sms"):
            ctx.rows.add(
                "consent",
                {
                    "user_id": person.id,
                    "purpose": purpose,
                    "version": CONSENT_VERSION,
                    "language": language,
                    "text": ctx.consent_texts[(purpose, language)],
                    "method": method,
                    "given_at": at,
                    "withdrawn_at": row["sms_opt_out_at"] if purpose == "sms" else None,
                    "recorded_by_id": m.staff[0] if via == "assisted" else None,
                },
            )
        if opted_out:
            stop = row["sms_opt_out_at"]
            ctx.rows.add(
                "sms_opt_out",
                {
                    "phone": person.phone,
                    "active": True,
                    "stopped_at": stop,
                    "stop_source": "sms_keyword",
                    "started_at": None,
                    "start_source": None,
                },
            )
            message(ctx, rng, m, person, "STOP", "inbound", stop, inbound=True)
            message(
                ctx,
                rng,
                m,
                person,
                render_sms("stop_confirmation", language),
                "stop_confirmation",
                stop,
            )
        people.append(person)
    return people


def _enrolments(ctx, rng, m) -> None:
    open_projects = [p for p in m.projects if p.kind != "draft"]
    for person in m.people:
        if rng.random() > 0.8:
            continue
        wanted = 2 if rng.random() < 0.25 else 1
        for project in rng.sample(open_projects, min(wanted, len(open_projects))):
            _enrol(ctx, rng, m, person, project)
    for project in m.projects:
        holding = sum(
            e.status in (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)
            for e in project.enrolments
        )
        full = any(e.status == EnrolmentStatus.WAITLISTED for e in project.enrolments)
        project.row["capacity"] = max(holding, 1) + (0 if full else rng.randint(2, 8))


def _enrol(ctx, rng, m, person, project) -> None:
    start, end = project.row["start_date"], project.row["end_date"]
    asked = max(person.at, ctx.utc(start - timedelta(days=20), time(10)))
    asked += timedelta(days=rng.randint(0, 10), minutes=rng.randint(0, 300))
    if asked >= ctx.cutoff or asked.date() > end:
        return
    decided = asked + timedelta(days=rng.randint(1, 7))
    roll, left = rng.random(), None
    if project.kind == "closed":
        status = EnrolmentStatus.COMPLETED if roll < 0.8 else EnrolmentStatus.WITHDRAWN
    elif project.kind == "future":
        status = EnrolmentStatus.ACCEPTED if roll < 0.6 else EnrolmentStatus.APPLIED
    else:
        status = by_threshold(
            roll,
            [
                (0.78, EnrolmentStatus.ACCEPTED),
                (0.86, EnrolmentStatus.WITHDRAWN),
                (0.93, EnrolmentStatus.WAITLISTED),
                (0.96, EnrolmentStatus.DECLINED),
            ],
            EnrolmentStatus.APPLIED,
        )
    if decided >= ctx.cutoff and status != EnrolmentStatus.WAITLISTED:
        status = EnrolmentStatus.APPLIED
    if status == EnrolmentStatus.WITHDRAWN:
        left = min(decided + timedelta(days=rng.randint(14, 120)), ctx.cutoff - timedelta(hours=1))
    pending = status in (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED)
    row = {
        "municipality_id": m.id,
        "project_id": project.id,
        "participant_id": person.id,
        "status": status,
        "requested_at": asked,
        "decided_at": None if pending else decided,
        "decided_by_id": None if pending else m.staff[0],
        "created_at": asked,
        "updated_at": left or (asked if pending else decided),
    }
    ctx.rows.add("enrolment", row)
    enrolment = NS(project=project, person=person, status=status, decided=decided, left=left)
    project.enrolments.append(enrolment)
    person.enrolments.append(enrolment)
