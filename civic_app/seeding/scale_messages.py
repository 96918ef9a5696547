"""SMS over the year in one municipality, for `flask seed scale`: the message rows of
reminders and replies, login codes, and texts staff read."""

from datetime import timedelta

from civic_app.seeding.bulk import by_threshold
from civic_app.sms.models import Direction, Status
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import render_sms

FAILURES = ["30003", "30005", "30006", "30008"]


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
