"""Case notes: writing them (with a clear message for a bad one, nothing typed lost),
who reads which, and closing and reopening a case."""

import re

from civic_app.casework.models import (
    NOTE_MAX_LENGTH,
    CaseNote,
    Intake,
    IntakeStatus,
    Sensitivity,
)
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role

BODY = "Colloquio con la mediatrice: cerca un posto letto vicino a Termini."


def audit(db, action):
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def notes(db):
    return db.session.scalars(db.select(CaseNote).order_by(CaseNote.id)).all()


def test_a_caseworker_writes_a_note_and_the_page_shows_it_with_date_author_and_level(
    client, login_as, caseworker, create_case, db, clock
):
    intake = create_case()
    login_as(caseworker)
    response = client.post_form(
        f"/cases/{intake.id}/notes",
        {"note_body": f"  {BODY}\n", "note_sensitivity": "team"},
    )
    assert response.status_code == 302
    assert BODY not in response.location and "Colloquio" not in response.location
    (note,) = notes(db)
    assert (note.body, note.sensitivity, note.author_id) == (BODY, Sensitivity.TEAM, caseworker.id)
    assert note.author_profession == "caseworker" and note.written_at == clock.now()
    (added,) = audit(db, "case_note.added")
    assert (added.target_type, added.target_id) == ("case_note", note.id)
    assert added.details == {"intake_id": intake.id, "sensitivity": "team"}

    page = client.get(response.location).get_data(as_text=True)
    assert "Nota aggiunta." in page and BODY in page
    assert f'<p class="prose" dir="auto">{BODY}</p>' in page
    # 09:00 UTC is 10:00 in Rome in March.
    assert re.search(r"<time [^>]*>04/03/26, 10:00</time>", page)
    assert f"{caseworker.first_name}</span>, Operatore" in page


def test_a_note_of_ten_thousand_characters_gets_a_message_and_keeps_what_was_typed(
    client, login_as, caseworker, create_case, db
):
    intake = create_case()
    login_as(caseworker)
    long_text = ("Parole dette dalla persona. " * 400)[:10_000].rstrip() + " FINE"
    response = client.post_form(
        f"/cases/{intake.id}/notes", {"note_body": long_text, "note_sensitivity": "health"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = re.search(r'<p class="error" id="note_body-error">([^<]*)</p>', page)
    assert f"al massimo {NOTE_MAX_LENGTH}" in error.group(1)  # beside the field
    assert 'aria-invalid="true"' in page
    textarea = re.search(r'<textarea[^>]*name="note_body"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea.group(1).strip() == long_text  # every character, the end too
    assert re.search(r'value="health"[^>]*checked|checked[^>]*value="health"', page)
    assert notes(db) == []
    assert not audit(db, "case_note.added")


def test_an_empty_note_or_an_unknown_level_is_refused_on_the_form(
    client, login_as, caseworker, create_case, db
):
    intake = create_case()
    login_as(caseworker)
    page = client.post_form(f"/cases/{intake.id}/notes", {"note_body": "   "}).get_data(
        as_text=True
    )
    assert '<p class="error" id="note_body-error">Scrivi la nota.</p>' in page
    response = client.post_form(
        f"/cases/{intake.id}/notes", {"note_body": BODY, "note_sensitivity": "secret"}
    )
    assert response.status_code == 200
    assert BODY in response.get_data(as_text=True)
    assert notes(db) == []


def test_a_health_note_is_read_by_its_author_and_the_health_professions_only(
    client, login_as, caseworker, psychologist, create_user, create_case, db
):
    intake = create_case()
    social_worker = create_user(Role.CASEWORKER, profession="social_worker")
    legal = create_user(Role.CASEWORKER, profession="legal_adviser")
    login_as(caseworker)
    client.post_form(f"/cases/{intake.id}/notes", {"note_body": BODY, "note_sensitivity": "health"})
    (note,) = notes(db)
    assert note.sensitivity == Sensitivity.HEALTH
    for reader, sees in ((caseworker, True), (psychologist, True), (social_worker, True),
                         (legal, False)):  # fmt: skip
        login_as(reader)
        page = client.get(f"/cases/{intake.id}").get_data(as_text=True)
        assert (BODY in page) is sees, reader.profession
        assert ("1 nota visibile solo a psicologi e assistenti sociali" in page) is not sees
    reads = audit(db, "case_note.read")
    assert {r.actor_id for r in reads} == {caseworker.id, psychologist.id, social_worker.id}


def test_closing_a_case_needs_a_reason_and_reopening_clears_it(
    client, login_as, caseworker, create_case, db, clock
):
    intake = create_case()
    login_as(caseworker)
    page = client.post_form(f"/cases/{intake.id}/close", {"close_reason": ""}).get_data(
        as_text=True
    )
    assert "Scegli perché si chiude il caso." in page
    assert db.session.get(Intake, intake.id).status == IntakeStatus.OPEN

    response = client.post_form(f"/cases/{intake.id}/close", {"close_reason": "moved_away"})
    assert response.status_code == 302
    closed = db.session.get(Intake, intake.id)
    assert (closed.status, closed.closed_at, closed.closed_reason) == (
        IntakeStatus.CLOSED, clock.now(), "moved_away",
    )  # fmt: skip
    assert audit(db, "case.closed")[0].details == {"reason": "moved_away"}
    page = client.get(f"/cases/{intake.id}").get_data(as_text=True)
    assert "Trasferimento altrove" in page and "Riapri il caso" in page
    assert 'name="note_body"' not in page  # a closed case takes no notes

    # A note sent from a page opened before the case was closed keeps its text.
    refused = client.post_form(f"/cases/{intake.id}/notes", {"note_body": BODY})
    assert "riaprilo per aggiungere una nota" in refused.get_data(as_text=True)
    assert BODY in refused.get_data(as_text=True) and notes(db) == []

    assert client.post_form(f"/cases/{intake.id}/reopen").status_code == 302
    reopened = db.session.get(Intake, intake.id)
    assert (reopened.status, reopened.closed_at, reopened.closed_reason) == (
        IntakeStatus.OPEN, None, None,
    )  # fmt: skip
    assert len(audit(db, "case.reopened")) == 1
    assert client.post_form(f"/cases/{intake.id}/reopen").status_code == 302
    assert len(audit(db, "case.reopened")) == 1  # reopening an open case changes nothing
