"""A roster opens when its session starts: read-only before, and nothing saved."""

import re
from datetime import timedelta

from civic_app.attendance.models import Attendance
from civic_app.core.accounts import User


def shown(page: str) -> str:
    """The page without its <template>s: the form a phone keeps dormant for the start
    (`test_offline_day`) is not on the page."""
    return re.sub(r"<template.*?</template>", "", page, flags=re.S)


def marks_of(db, session):
    return db.session.scalars(
        db.select(Attendance).where(Attendance.session_id == session.id)
    ).all()


def test_before_the_start_the_roster_is_read_only_with_the_start_time(
    client, login_as, tutor, add_session, project, enrolled, clock
):
    [person] = enrolled(1, first_name="Amina")
    soon = add_session(project, clock.now() + timedelta(minutes=30))  # 10:30 in Rome
    login_as(tutor)
    page = shown(client.get(f"/tutor/sessions/{soon.id}").get_data(as_text=True))
    assert "Amina" in page and f'href="tel:{person.phone}"' in page  # who to expect
    assert (
        "Il turno non è ancora cominciato: l&#39;elenco si apre all&#39;inizio del turno, "
        "mercoledì 4 marzo, 10:30." in page
    )
    assert "data-roster" not in page and 'type="radio"' not in page
    assert "Salva le presenze" not in page
    assert "/walk-in" not in page  # no walk-ins before anyone came


def test_a_roster_sent_before_the_start_saves_nothing(
    client, login_as, tutor, add_session, project, enrolled, db, clock
):
    [person] = enrolled(1)
    soon = add_session(project, clock.now() + timedelta(minutes=30))
    login_as(tutor)
    response = client.post_form(
        f"/tutor/sessions/{soon.id}", {"key": "a" * 32, f"mark-{person.id}": "present"}
    )
    assert response.status_code == 409  # refused: a phone's queue drops it and says so
    page = response.get_data(as_text=True)
    assert re.search(r'role="alert">Il turno non è ancora cominciato: .*10:30\.</p>', page)
    assert marks_of(db, soon) == []
    walk_in = client.post_form(
        f"/tutor/sessions/{soon.id}/walk-in",
        {"w-key": "b" * 32, "w-phone": person.phone, "w-first_name": "", "w-language": "it"},
    )
    assert "non è ancora cominciato" in walk_in.get_data(as_text=True)
    assert marks_of(db, soon) == []
    registered = client.post_form(
        f"/tutor/sessions/{soon.id}/walk-in",
        {"w-key": "c" * 32, "w-phone": "", "w-first_name": "Nuovo", "w-language": "it"},
    )
    assert "non è ancora cominciato" in registered.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.first_name == "Nuovo")) is None


def test_the_roster_opens_at_the_start_time(
    client, login_as, tutor, add_session, project, enrolled, db, clock
):
    [person] = enrolled(1)
    soon = add_session(project, clock.now() + timedelta(minutes=30))
    login_as(tutor)
    clock.advance(minutes=29, seconds=59)
    assert "data-roster" not in shown(
        client.get(f"/tutor/sessions/{soon.id}").get_data(as_text=True)
    )
    clock.advance(seconds=1)
    page = client.get(f"/tutor/sessions/{soon.id}").get_data(as_text=True)
    assert "data-roster" in page and "non è ancora cominciato" not in page
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.post_form(
        f"/tutor/sessions/{soon.id}", {"key": key, f"mark-{person.id}": "present"}
    )
    assert response.status_code == 302
    assert [a.participant_id for a in marks_of(db, soon)] == [person.id]
