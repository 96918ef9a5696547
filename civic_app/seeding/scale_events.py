"""Community events of one municipality for `flask seed scale`: a fortnightly series and
monthly one-off events over the year, with answers, invitations and attendance."""

from datetime import datetime, time, timedelta

from civic_app.events.models import Audience, EventType
from civic_app.projects.models import EnrolmentStatus
from civic_app.projects.operations import build_rrule
from civic_app.seeding.bulk import stamp
from civic_app.seeding.scale_messages import message
from civic_app.sms.templates import render_sms


def seed_events(ctx, rng, m) -> None:
    """A fortnightly language café (a series) and a monthly one-off event, over the year."""
    today, made = ctx.today, []
    created = ctx.utc(today - timedelta(days=330), time(9))
    fields = {
        "title": "Caffè linguistico",
        "description": "Si chiacchiera in italiano.",
        "event_type": EventType.MEETING,
        "capacity": 60,
        "languages": ",it,ar,fr,en,",
        "audience": Audience.PUBLIC,
        "audience_projects": [],
        "audience_language": None,
    }
    first = today - timedelta(days=300)
    first += timedelta(days=(2 - first.weekday()) % 7)
    until = today + timedelta(days=42)
    series = {
        **fields,
        "municipality_id": m.id,
        "venue_id": m.house,
        "rrule": build_rrule([2], today + timedelta(days=180), interval=2),
        "first_start": f"{first:%Y-%m-%d}T18:00",
        "duration_minutes": 90,
        "materialized_until": until,
    }
    series_id = ctx.rows.add("event_series", stamp(series, created))
    day = first
    while day <= until:
        made.append(({**fields}, day, time(18), 90, series_id))
        day += timedelta(days=14)
    running = [p.id for p in m.projects if p.kind == "running"]
    for n in range(13):
        day = today - timedelta(days=330 - 30 * n)
        day += timedelta(days=(5 - day.weekday()) % 7)
        audience = rng.choice(list(Audience))
        made.append(
            (
                {
                    "title": f"Incontro di quartiere {n + 1}",
                    "description": "",
                    "event_type": rng.choice(list(EventType)),
                    "capacity": rng.randint(30, 80),
                    "languages": ",it,",
                    "audience": audience,
                    "audience_projects": sorted(rng.sample(running, min(2, len(running))))
                    if audience == Audience.PROJECTS
                    else [],
                    "audience_language": "ar" if audience == Audience.LANGUAGE else None,
                },
                day,
                time(10, 30),
                120,
                None,
            )
        )
    for data, day, at, minutes, series in made:
        _event(ctx, rng, m, data, ctx.utc(day, at), minutes, series, created)


def _event(ctx, rng, m, data, starts: datetime, minutes: int, series_id, created) -> None:
    cancelled = series_id is None and rng.random() < 0.05
    past = starts < ctx.cutoff
    row = {
        **data,
        "municipality_id": m.id,
        "series_id": series_id,
        "venue_id": m.house,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=minutes),
        "status": "cancelled" if cancelled else "scheduled",
        "public_guests": rng.randint(0, 30) if past and not cancelled else 0,
    }
    event_id = ctx.rows.add("community_event", stamp(row, created))
    invited = _invited(m, data, starts - timedelta(days=7))
    if cancelled or not invited:
        return
    answering = rng.sample(invited, min(len(invited) * 15 // 100, data["capacity"]))
    answering.sort(key=lambda p: p.id)
    for person in answering:
        coming = rng.random() < 0.8
        answered = starts - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
        if answered >= ctx.cutoff:
            continue
        source = "sms" if person.sms and rng.random() < 0.6 else "web"
        ctx.rows.add(
            "event_rsvp",
            {
                "municipality_id": m.id,
                "event_id": event_id,
                "participant_id": person.id,
                "coming": coming,
                "answered_at": answered,
                "source": source,
            },
        )
        if source == "sms":
            invite = render_sms(
                "event_invite",
                person.language,
                title=data["title"][:40],
                when=f"{starts.astimezone(ctx.zone):%d/%m %H:%M}",
                place=f"Casa di quartiere {m.name}"[:40],
            )
            message(
                ctx,
                rng,
                m,
                person,
                invite,
                "event_invite",
                starts - timedelta(days=7),
                key=f"event-invite:e{event_id}:u{person.id}",
                subject=("event", event_id),
            )
            message(ctx, rng, m, person, "1" if coming else "2", "inbound", answered, inbound=True)
        if past and coming and rng.random() < 0.75:
            ctx.rows.add(
                "event_attendance",
                {
                    "municipality_id": m.id,
                    "event_id": event_id,
                    "participant_id": person.id,
                    "recorded_by_id": m.staff[0],
                    "recorded_at": starts + timedelta(hours=2),
                },
            )


def _invited(m, data, by: datetime) -> list:
    """Who the event is for (as events.operations.invited_query says), among those signed up
    a week before it."""
    people = [p for p in m.people if p.at < by]
    if data["audience"] == Audience.PROJECTS:
        chosen = set(data["audience_projects"])
        return [
            p
            for p in people
            if any(
                e.project.id in chosen and e.status == EnrolmentStatus.ACCEPTED
                for e in p.enrolments
            )
        ]
    if data["audience"] == Audience.LANGUAGE:
        return [p for p in people if p.language == data["audience_language"]]
    return people
