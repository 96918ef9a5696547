"""Referrals (issue 20, point 5): a case sent to a care service, its status moving forward
only, every step dated and attributed and audited by ids; bad input refused with a clear
message and nothing saved; other municipalities' referrals and people off the case team
kept out."""

from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest

from civic_app.casework.models import (
    IntakeStatus,
    Referral,
    ReferralChange,
    ReferralStatus,
    ServiceKind,
)
from civic_app.casework.referrals import advance, refer, reschedule
from civic_app.core.errors import DomainError
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role

S = ReferralStatus
#: 2026-03-06 10:30 in Rome (UTC+1 in March).
FRIDAY_1030 = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)


def count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def audits(db, action) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def form(service, **kw) -> dict:
    return {
        "service_id": str(service.id),
        "reason": "Rinnovo del permesso di soggiorno",
        "appointment_day": "2026-03-06",
        "appointment_time": "10:30",
        "appointment_place": "Via dei Diritti 1",
    } | kw


@pytest.fixture
def case(create_case):
    return create_case()


@pytest.fixture
def legal(create_service):
    return create_service()


def test_a_caseworker_refers_a_case_from_its_page(
    client, db, login_as, caseworker, case, legal, clock
):
    login_as(caseworker)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="service_id"' in page and "Sportello legale Diritti" in page
    assert 'type="date"' in page and 'dir="ltr"' in page

    response = client.post_form(f"/cases/{case.id}/referrals", form(legal))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#referrals")
    referral = db.session.scalars(db.select(Referral)).one()
    assert (referral.intake_id, referral.service_id, referral.status) == (
        case.id,
        legal.id,
        S.PROPOSED,
    )
    assert referral.appointment_at == FRIDAY_1030  # entered in Rome time, kept in UTC
    assert referral.appointment_place == "Via dei Diritti 1"
    assert referral.created_by_id == caseworker.id
    assert referral.status_changed_at == clock.now()
    (change,) = db.session.scalars(db.select(ReferralChange)).all()
    assert (change.status, change.by_id, change.at) == (S.PROPOSED, caseworker.id, clock.now())
    (event,) = audits(db, "referral.created")
    assert (event.target_type, event.target_id, event.actor_id) == (
        "referral",
        referral.id,
        caseworker.id,
    )
    assert event.details == {"intake_id": case.id, "service_id": legal.id, "appointment": True}
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Rinnovo del permesso di soggiorno" in page and "Proposto" in page


def test_the_status_moves_forward_step_by_step_each_dated_attributed_and_audited(
    db, caseworker, psychologist, case, legal, clock
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    steps = [(S.SENT, ""), (S.ACCEPTED, ""), (S.ATTENDED, ""), (S.CLOSED, "Permesso rinnovato")]
    for status, note in steps:
        clock.advance(days=3)
        advance(referral, status, psychologist, note, clock.now())
        assert referral.status == status
        assert referral.status_changed_at == clock.now()
    db.session.commit()
    changes = db.session.scalars(
        db.select(ReferralChange)
        .where(ReferralChange.referral_id == referral.id)
        .order_by(ReferralChange.id)
    ).all()
    assert [c.status for c in changes] == [S.PROPOSED, S.SENT, S.ACCEPTED, S.ATTENDED, S.CLOSED]
    assert [c.by_id for c in changes] == [caseworker.id] + [psychologist.id] * 4
    assert [c.at.date() for c in changes] == [date(2026, 3, d) for d in (4, 7, 10, 13, 16)]
    assert changes[-1].note == "Permesso rinnovato" and referral.outcome == "Permesso rinnovato"
    # Attended on 13 March: the person was seen that day.
    assert case.last_seen_on == date(2026, 3, 13)
    moves = [(e.details["from"], e.details["to"]) for e in audits(db, "referral.status_changed")]
    assert moves == [("proposed", "sent"), ("sent", "accepted"), ("accepted", "attended"),
                     ("attended", "closed")]  # fmt: skip
    assert all(e.target_id == referral.id for e in audits(db, "referral.status_changed"))


def test_a_step_may_skip_ahead_and_refused_or_no_show_need_their_reason(
    db, caseworker, case, legal, clock
):
    one = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    advance(one, S.ACCEPTED, caseworker, "", clock.now())  # accepted on the phone
    with pytest.raises(DomainError) as error:
        advance(one, S.NO_SHOW, caseworker, "  ", clock.now())
    assert error.value.field == "note"
    advance(one, S.NO_SHOW, caseworker, "Non si sa", clock.now())
    assert one.outcome == "Non si sa"

    two = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    with pytest.raises(DomainError) as error:
        advance(two, S.REFUSED, caseworker, "", clock.now())
    assert "rifiutato" in error.value.message
    advance(two, S.REFUSED, caseworker, "Nessun posto fino a maggio", clock.now())
    assert two.status == S.REFUSED


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), S.PROPOSED),  # the same status
        ((S.SENT,), S.PROPOSED),  # backwards
        ((S.SENT, S.ACCEPTED), S.SENT),
        ((), S.NO_SHOW),  # nobody could miss an appointment not yet accepted
        ((S.SENT, S.ACCEPTED, S.ATTENDED), S.REFUSED),  # too late to refuse
        ((S.SENT, S.ACCEPTED, S.ATTENDED), S.NO_SHOW),
        ((S.SENT, S.ACCEPTED, S.ATTENDED), S.ACCEPTED),
    ],
)
def test_impossible_steps_are_refused_and_change_nothing(
    db, caseworker, case, legal, clock, path, target
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    for status in path:
        advance(referral, status, caseworker, "", clock.now())
    before = (referral.status, count(db, ReferralChange))
    with pytest.raises(DomainError) as error:
        advance(referral, target, caseworker, "un motivo", clock.now())
    assert error.value.field == "status"
    assert (referral.status, count(db, ReferralChange)) == before


@pytest.mark.parametrize("end", [S.CLOSED, S.REFUSED, S.NO_SHOW])
def test_an_ended_referral_moves_no_more(db, caseworker, case, legal, clock, end):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    for status in {S.CLOSED: (S.SENT, S.ACCEPTED, S.ATTENDED), S.NO_SHOW: (S.ACCEPTED,)}.get(
        end, ()
    ):
        advance(referral, status, caseworker, "", clock.now())
    advance(referral, end, caseworker, "fatto", clock.now())
    for status in S:
        with pytest.raises(DomainError):
            advance(referral, status, caseworker, "ancora", clock.now())
    with pytest.raises(DomainError):
        reschedule(referral, FRIDAY_1030, "Via Roma 1", caseworker, clock.now())


def test_the_status_is_changed_from_the_case_page(
    client, db, login_as, caseworker, case, legal, clock
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    db.session.commit()
    login_as(caseworker)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'id="r{referral.id}-status-status"' in page
    clock.advance(minutes=5)
    response = client.post_form(f"/cases/referrals/{referral.id}/status", {"status": "sent"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#referral-{referral.id}")
    assert db.session.get(Referral, referral.id).status == S.SENT

    # Nothing chosen, or a status that does not exist: the page again, nothing changed.
    for sent in ({}, {"status": ""}, {"status": "deleted"}):
        response = client.post_form(f"/cases/referrals/{referral.id}/status", sent)
        assert "Scegli il nuovo stato dall'elenco." in unescape(response.get_data(as_text=True))
    # Closing straight from "sent" without the outcome: the page again, with the message.
    response = client.post_form(f"/cases/referrals/{referral.id}/status", {"status": "closed"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Scrivi l'esito per chiudere l'invio." in page
    assert db.session.get(Referral, referral.id).status == S.SENT

    page = client.get(f"/cases/referrals/{referral.id}").get_data(as_text=True)
    assert "Proposto" in page and "Inviato" in page and caseworker.display_name in page


def long_text(n: int) -> str:
    return ("x" * 9 + " ") * (n // 10) + "x" * (n % 10)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"appointment_day": "2026-03-03"}, "L'appuntamento è già passato"),
        (
            {"appointment_day": "2026-03-04", "appointment_time": "09:59"},
            "L'appuntamento è già passato",
        ),
        ({"appointment_day": "2027-03-05"}, "più di un anno"),
        ({"appointment_day": "2026-02-30"}, "Non è una data valida"),
        ({"appointment_time": ""}, "Indica sia il giorno sia l'ora"),
        ({"service_id": "999999"}, "Scegli un servizio dell'elenco."),
        ({"service_id": "abc"}, "Scegli un servizio dell'elenco."),
        ({"service_id": ""}, "Scegli un servizio dell'elenco."),
        ({"reason": long_text(501)}, "Scrivi al massimo 500 caratteri."),
        ({"reason": "   "}, "Scrivi il motivo dell'invio."),
        ({"appointment_place": long_text(201)}, "Scrivi al massimo 200 caratteri."),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    client, db, login_as, caseworker, case, legal, clock, change, message
):
    login_as(caseworker)
    sent = form(legal, **change)
    response = client.post_form(f"/cases/{case.id}/referrals", sent)
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page
    assert count(db, Referral) == 0 and count(db, ReferralChange) == 0
    assert audits(db, "referral.created") == []
    if sent["reason"].strip() and len(sent["reason"]) <= 500:
        assert sent["reason"] in page  # what was typed is still there


def test_a_retired_service_or_another_municipalitys_takes_no_referral(
    client, db, login_as, caseworker, case, create_service, other_municipality, clock
):
    retired = create_service(name="Sportello chiuso", retired_at=clock.now() - timedelta(days=1))
    elsewhere = create_service(name="Sportello di Milano", municipality_id=other_municipality.id)
    shared = create_service(
        name="Numero verde antitratta", municipality_id=other_municipality.id, network_wide=True,
        kind=ServiceKind.SOCIAL_SERVICES,
    )  # fmt: skip
    login_as(caseworker)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Numero verde antitratta" in page
    assert "Sportello chiuso" not in page and "Sportello di Milano" not in page

    response = client.post_form(f"/cases/{case.id}/referrals", form(retired))
    assert "Questo servizio non accetta più invii" in response.get_data(as_text=True)
    response = client.post_form(f"/cases/{case.id}/referrals", form(elsewhere))
    assert "Scegli un servizio dell'elenco." in unescape(response.get_data(as_text=True))
    assert count(db, Referral) == 0

    response = client.post_form(f"/cases/{case.id}/referrals", form(shared))
    assert response.status_code == 302
    assert db.session.scalars(db.select(Referral.service_id)).one() == shared.id


def test_a_closed_case_takes_no_new_referral(db, caseworker, case, legal, clock):
    case.status = IntakeStatus.CLOSED
    with pytest.raises(DomainError):
        refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    assert count(db, Referral) == 0


def test_another_municipalitys_referral_is_not_found(
    client, db, login_as, create_user, case, legal, clock, caseworker, other_municipality
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    db.session.commit()
    login_as(create_user(Role.CASEWORKER, municipality=other_municipality, profession="caseworker"))
    assert client.get(f"/cases/referrals/{referral.id}").status_code == 404
    assert (
        client.post_form(f"/cases/referrals/{referral.id}/status", {"status": "sent"}).status_code
        == 404
    )
    response = client.post_form(
        f"/cases/referrals/{referral.id}/appointment",
        {"appointment_day": "2026-03-06", "appointment_time": "10:00"},
    )
    assert response.status_code == 404
    assert client.post_form(f"/cases/{case.id}/referrals", form(legal)).status_code == 404
    assert db.session.get(Referral, referral.id).status == S.PROPOSED
    assert count(db, Referral) == 1


@pytest.mark.parametrize("who", ["tutor", "staff", "participant", "coordinator"])
def test_people_off_the_case_team_are_refused(
    client, db, login_as, create_user, case, legal, clock, caseworker, who
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    db.session.commit()
    login_as(create_user(Role(who)))
    assert client.get(f"/cases/referrals/{referral.id}").status_code == 403
    assert (
        client.post_form(f"/cases/referrals/{referral.id}/status", {"status": "sent"}).status_code
        == 403
    )
    assert client.post_form(f"/cases/{case.id}/referrals", form(legal)).status_code == 403
    assert db.session.get(Referral, referral.id).status == S.PROPOSED
    assert count(db, Referral) == 1


def test_staff_on_the_case_team_refer_too(client, db, login_as, create_user, case, legal):
    login_as(create_user(Role.STAFF, grants=",casework,"))
    assert client.post_form(f"/cases/{case.id}/referrals", form(legal)).status_code == 302
    assert count(db, Referral) == 1


def test_the_appointment_is_moved_from_the_case_page_and_the_history_says_so(
    client, db, login_as, caseworker, case, legal, clock
):
    referral = refer(case, legal, caseworker, "Documenti", None, "", clock.now())
    db.session.commit()
    login_as(caseworker)
    url = f"/cases/referrals/{referral.id}/appointment"
    response = client.post_form(url, {"appointment_day": "2026-03-01", "appointment_time": "10:00"})
    assert "già passato" in response.get_data(as_text=True)
    assert db.session.get(Referral, referral.id).appointment_at is None
    response = client.post_form(
        url,
        {"appointment_day": "2026-03-06", "appointment_time": "10:30", "appointment_place": "Sede"},
    )
    assert response.status_code == 302
    referral = db.session.get(Referral, referral.id)
    assert (referral.appointment_at, referral.appointment_place) == (FRIDAY_1030, "Sede")
    assert referral.status == S.PROPOSED
    page = client.get(f"/cases/referrals/{referral.id}").get_data(as_text=True)
    assert "appuntamento cambiato" in page
    assert [e.details for e in audits(db, "referral.appointment_changed")] == [
        {"appointment": True}
    ]
