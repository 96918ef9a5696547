"""Inside the app, for bench/soak.py: what the soak's database holds, and what it found.

Run by soak.py with the app's environment (`soak.py --role build|facts`), in an app
context. `build` adds to bench/topology.py's data (sessions whose 2-hour reminders fall
due during the run) rosters that tutors may mark now and a staff account per
municipality, and issues the logins (bench/appside.py's cookies). `facts` adds to
topology.py's reminder facts every outbound message by kind and status, and the replies
to the inbound SMS.
"""

from collections import Counter
from datetime import datetime, timedelta

import appside
import topology

#: People on each roster a tutor marks.
ROSTER = 6


def build(duration: float, spacing: float, tutors: int) -> dict:
    """topology.build's data, and in the first `tutors` municipalities a tutor with a
    roster open now, and a staff account; with their logins."""
    from flask import current_app

    from civic_app.attendance.operations import session_hours
    from civic_app.core.accounts import User
    from civic_app.core.clock import now
    from civic_app.core.models import Municipality
    from civic_app.core.permissions import Role
    from civic_app.core.timeutil import to_local
    from civic_app.extensions import db
    from civic_app.projects.models import (
        Enrolment,
        EnrolmentStatus,
        Project,
        ProjectSession,
        ProjectStatus,
    )

    started = now()
    built = topology.build(duration, spacing)
    places = list(db.session.scalars(db.select(Municipality).order_by(Municipality.id)))
    today = to_local(started).date()
    rosters, staff = [], []
    for n, place in enumerate(places[:tutors]):
        staff.append(
            User(role=Role.STAFF, municipality_id=place.id, first_name=f"Staff{n}",
                 email=f"staff{n}@soak.invalid")
        )  # fmt: skip
        tutor = User(
            role=Role.TUTOR, municipality_id=place.id, first_name=f"Tutor{n}",
            email=f"tutor{n}@soak.invalid",
        )  # fmt: skip
        project = Project(
            municipality_id=place.id, title=f"Laboratorio {n}", description="Orto urbano.",
            sector="green", status=ProjectStatus.PUBLISHED, address=f"Via dell'Orto {n}",
            capacity=20, start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=60), tutors=[tutor],
        )  # fmt: skip
        people = [
            User(role=Role.PARTICIPANT, municipality_id=place.id, first_name=f"Orto{n}-{k}")
            for k in range(ROSTER)
        ]
        db.session.add_all([staff[-1], tutor, project, *people])
        db.session.flush()
        for person in people:
            db.session.add(
                Enrolment(
                    project_id=project.id, municipality_id=place.id, participant_id=person.id,
                    status=EnrolmentStatus.ACCEPTED, requested_at=started - timedelta(days=5),
                )
            )  # fmt: skip
        # Started half an hour ago: its roster is open, and it is past every reminder.
        session = ProjectSession(
            project_id=project.id, municipality_id=place.id,
            starts_at=started - timedelta(minutes=30), ends_at=started + timedelta(minutes=90),
            local_weekday=to_local(started - timedelta(minutes=30)).weekday(),
        )  # fmt: skip
        db.session.add(session)
        db.session.flush()
        rosters.append((tutor, session, [p.id for p in people]))
    db.session.commit()
    app = current_app._get_current_object()
    participants = db.session.scalars(
        db.select(User).where(User.phone.in_(built["phones"][:10])).order_by(User.id)
    )
    return built | {
        #: The reminders' sessions start after this; the rosters' sessions before.
        "starts_after": started.isoformat(),
        "participants": [appside.issue_cookie(app, p) for p in participants],
        "staff": [appside.issue_cookie(app, s) for s in staff],
        "tutors": [
            appside.issue_cookie(app, tutor, csrf=True)
            | {"session_id": s.id, "participants": ids, "hours": str(session_hours(s))}
            for tutor, s, ids in rosters
        ],
    }


def facts(checked_at: str, killed_at: str, starts_after: str, redis_back_at: str) -> dict:
    """topology.facts for the reminders, and every message in or out."""
    from civic_app.extensions import db
    from civic_app.sms.models import Direction, Message, Status

    found = topology.facts(checked_at, killed_at, starts_after)
    outbound: dict[str, Counter] = {}
    for kind, status, n in db.session.execute(
        db.select(Message.kind, Message.status, db.func.count(Message.id))
        .where(Message.direction == Direction.OUT)
        .group_by(Message.kind, Message.status)
    ):
        outbound.setdefault(kind, Counter())[str(status)] += n
    statuses = sum(outbound.values(), Counter())
    keys = db.session.scalars(
        db.select(Message.idempotency_key).where(
            Message.direction == Direction.OUT, Message.idempotency_key.like("reply:%")
        )
    ).all()
    replies = Counter(key.split(":")[1] for key in keys)
    inbound = [
        str(i)
        for i in db.session.scalars(db.select(Message.id).where(Message.direction == Direction.IN))
    ]
    back = datetime.fromisoformat(redis_back_at)
    sent_after_redis = db.session.scalar(
        db.select(db.func.count(Message.id)).where(
            Message.direction == Direction.OUT, Message.sent_at > back
        )
    )
    return found | {
        "outbound_by_kind": {kind: dict(c) for kind, c in sorted(outbound.items())},
        "outbound_queued": sum(statuses.values()),
        "outbound_sent": statuses[Status.SENT] + statuses[Status.DELIVERED],
        #: Handed to the gateway when the scheduler was killed (see topology.facts).
        "outbound_mid_send": statuses[Status.SENDING] + statuses[Status.UNKNOWN],
        "outbound_other": {
            s: n
            for s, n in statuses.items()
            if s not in (Status.SENT, Status.DELIVERED, Status.SENDING, Status.UNKNOWN)
        },
        "inbound": len(inbound),
        "inbound_without_reply": sum(1 for i in inbound if replies[i] == 0),
        "inbound_with_replies_twice": sum(1 for i in inbound if replies[i] > 1),
        "sent_after_redis_restart": sent_after_redis,
    }
