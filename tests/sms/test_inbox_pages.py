"""The staff inbox shows every conversation: past the first page, the pager leads on."""

import re

from civic_app.sms.inbox import INBOX_PER_PAGE
from civic_app.sms.models import Direction, Message, Status


def write_in(db, people, clock):
    for n, person in enumerate(people):
        db.session.add(
            Message(
                municipality_id=person.municipality_id, user_id=person.id, direction=Direction.IN,
                phone=person.phone, body=f"messaggio {n:03d}", kind="inbound",
                status=Status.RECEIVED, created_at=clock.now(),
            )
        )  # fmt: skip
    db.session.commit()


def test_the_inbox_pages_every_conversation(client, login_as, staff, create_participant, db, clock):
    count = 2 * INBOX_PER_PAGE + 5  # more than the 100 the inbox used to stop at
    people = [create_participant(first_name=f"Persona{n:03d}") for n in range(count)]
    write_in(db, people, clock)
    login_as(staff)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/staff/inbox?page={number}").get_data(as_text=True)
        assert f"Pagina {number} di 3" in page
        seen += re.findall(r"messaggio (\d{3})", page)
    assert sorted(seen) == [f"{n:03d}" for n in range(count)]  # all, each once
    assert seen[0] == f"{count - 1:03d}"  # the latest conversation first
    first = client.get("/staff/inbox").get_data(as_text=True)
    assert 'href="/staff/inbox?page=2"' in first and 'rel="prev"' not in first
    last = client.get("/staff/inbox?page=3").get_data(as_text=True)
    assert 'href="/staff/inbox?page=2"' in last and 'rel="next"' not in last


def test_a_page_past_the_end_shows_the_last(client, login_as, staff, create_participant, db, clock):
    write_in(db, [create_participant(first_name=f"P{n}") for n in range(INBOX_PER_PAGE + 1)], clock)
    login_as(staff)
    for page in ("9", str(10**30), "-1", "x"):
        response = client.get(f"/staff/inbox?page={page}")
        assert response.status_code == 200, page
    assert "Pagina 2 di 2" in client.get("/staff/inbox?page=9").get_data(as_text=True)
    assert "Pagina 1 di 2" in client.get("/staff/inbox?page=x").get_data(as_text=True)
