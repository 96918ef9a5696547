"""The monthly attendance summary always equals a GROUP BY of the raw rows: after new
marks, corrections, a month locked then reopened, seeding and the migration's fill.

The oracle is computed here, in Python, over every raw row (the local month by
`zoneinfo`, not by the SQL under test)."""

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from civic_app.attendance.models import WAS_THERE, Attendance, AttendanceMonth, Mark
from civic_app.attendance.operations import MarkInput, lock_month, record_marks, unlock_month
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import to_local
from civic_app.projects.models import EnrolmentStatus

COUNTS = [str(mark) for mark in Mark]
HOURS = ["hours", *(f"hours_{mark}" for mark in WAS_THERE)]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def oracle(db) -> dict:
    """{(municipality, person, project, local month): {column: value}} from the raw rows."""
    out: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0) | dict.fromkeys(HOURS, Decimal(0)))
    for a in db.session.scalars(db.select(Attendance)):
        key = (
            a.municipality_id,
            a.participant_id,
            a.project_id,
            to_local(a.session_starts_at).strftime("%Y-%m"),
        )
        out[key][str(a.mark)] += 1
        out[key]["hours"] += Decimal(a.hours)
        if a.mark in WAS_THERE:
            out[key][f"hours_{a.mark}"] += Decimal(a.hours)
    return dict(out)


def table(db) -> dict:
    return {
        (r.municipality_id, r.participant_id, r.project_id, r.month): {
            **{c: getattr(r, c) for c in COUNTS},
            **{h: Decimal(str(getattr(r, h))) for h in HOURS},
        }
        for r in db.session.scalars(db.select(AttendanceMonth))
    }


def assert_summary_is_exact(db):
    db.session.flush()
    expected = oracle(db)
    assert expected, "the test needs marks"
    assert table(db) == expected


@pytest.fixture
def people(create_participant, project, enrol):
    made = [create_participant() for _ in range(4)]
    for person in made:
        enrol(project, person, EnrolmentStatus.ACCEPTED, at=utc(2025, 1, 1))
    return made


#: Sessions either side of local midnight at the start of a month, in winter (UTC+1)
#: and in summer (UTC+2): the first of each pair is in the earlier local month.
BOUNDARIES = [
    utc(2026, 2, 28, 22, 30),  # 23:30 on 28 February in Rome
    utc(2026, 2, 28, 23, 30),  # 00:30 on 1 March in Rome
    utc(2025, 8, 31, 21, 30),  # 23:30 on 31 August (summer time)
    utc(2025, 8, 31, 22, 30),  # 00:30 on 1 September
    utc(2025, 10, 31, 22, 30),  # 23:30 on 31 October (after the autumn change)
    utc(2025, 10, 31, 23, 30),  # 00:30 on 1 November
]


def submit(session, marks, tutor, key, reason=""):
    return record_marks(session, marks, by=tutor, now=utc(2026, 3, 4, 12), key=key, reason=reason)


def test_new_marks_fill_the_summary_in_the_right_local_month(
    db, project, people, tutor, add_session
):
    a, b, c, d = people
    for n, starts in enumerate(BOUNDARIES):
        session = add_session(project, starts, hours=0.75)  # an hour apart: no overlap
        marks = [
            MarkInput(a.id, Mark.PRESENT),
            MarkInput(b.id, Mark.LATE, Decimal("0.5")),
            MarkInput(c.id, [Mark.ABSENT, Mark.EXCUSED][n % 2]),
            MarkInput(d.id, Mark.LEFT_EARLY, Decimal("0.25")),
        ]
        assert submit(session, marks, tutor, f"k{n}")
    assert_summary_is_exact(db)
    months = {key[3] for key in table(db)}
    assert months == {"2026-02", "2026-03", "2025-08", "2025-09", "2025-10", "2025-11"}
    row = table(db)[(project.municipality_id, a.id, project.id, "2026-03")]
    assert (row["present"], row["hours"], row["hours_present"]) == (
        1,
        Decimal("0.75"),
        Decimal("0.75"),
    )


def test_corrections_move_counts_and_hours(db, project, people, tutor, add_session):
    a, b, c, _d = people
    first = add_session(project, utc(2026, 3, 2, 9))
    second = add_session(project, utc(2026, 3, 3, 9))
    for n, session in enumerate((first, second)):
        submit(session, [MarkInput(p.id, Mark.PRESENT) for p in (a, b, c)], tutor, f"k{n}")
    assert_summary_is_exact(db)
    corrections = [
        MarkInput(a.id, Mark.ABSENT),  # present -> absent: 3 hours less
        MarkInput(b.id, Mark.LATE, Decimal("1.75")),
        MarkInput(c.id, Mark.PRESENT, Decimal("2")),  # same mark, fewer hours
    ]
    assert submit(second, corrections, tutor, "k2", reason="Errore di battitura")
    assert_summary_is_exact(db)
    row = table(db)[(project.municipality_id, a.id, project.id, "2026-03")]
    assert (row["present"], row["absent"], row["hours"]) == (1, 1, Decimal(3))
    row = table(db)[(project.municipality_id, b.id, project.id, "2026-03")]
    assert (row["present"], row["late"], row["hours_late"]) == (1, 1, Decimal("1.75"))


def test_a_locked_month_changes_nothing_and_after_unlocking_a_correction_counts(
    db, project, people, tutor, staff, add_session
):
    a, b, *_ = people
    session = add_session(project, utc(2026, 3, 2, 9))
    submit(session, [MarkInput(a.id, Mark.PRESENT), MarkInput(b.id, Mark.PRESENT)], tutor, "k1")
    lock = lock_month(project.municipality_id, "2026-03", staff, utc(2026, 3, 4, 10))
    before = table(db)
    with pytest.raises(DomainError):
        submit(session, [MarkInput(a.id, Mark.ABSENT)], tutor, "k2", reason="Non c'era")
    assert table(db) == before
    unlock_month(lock, "Correzione chiesta dal tutor")
    assert submit(session, [MarkInput(a.id, Mark.ABSENT)], tutor, "k3", reason="Non c'era")
    assert_summary_is_exact(db)
    row = table(db)[(project.municipality_id, a.id, project.id, "2026-03")]
    assert (row["present"], row["absent"], row["hours"]) == (0, 1, Decimal(0))


def test_a_resent_roster_counts_once(db, project, people, tutor, add_session):
    session = add_session(project, utc(2026, 3, 2, 9))
    marks = [MarkInput(p.id, Mark.PRESENT) for p in people]
    assert submit(session, marks, tutor, "same")
    assert not submit(session, marks, tutor, "same")
    assert_summary_is_exact(db)
    assert sum(row["present"] for row in table(db).values()) == len(people)


def test_rebuild_after_seeding_equals_the_raw_rows(db):
    from civic_app.core.network import ensure_network
    from civic_app.seeding.demo_history import seed_demo_history
    from civic_app.seeding.demo_people import seed_demo

    seed_demo("demo-password-1")
    assert seed_demo_history(ensure_network(), utc(2026, 11, 20, 9)) > 0
    assert_summary_is_exact(db)
    # The demo's months span the autumn change of time.
    assert {"2026-10", "2026-11"} <= {key[3] for key in table(db)}
