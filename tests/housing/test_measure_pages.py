"""A case's housing page: proposing a measure, its steps, placing the person in a dwelling
and the day they left; the case page's panel; who may; bad input refused with what was
typed kept."""

from datetime import date
from decimal import Decimal

import pytest

from civic_app.core.permissions import Role
from civic_app.housing.measures import place, placements_of
from civic_app.housing.models import (
    DwellingState,
    HousingMeasure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
)

from .conftest import TODAY, audit


def page(response) -> str:
    return response.get_data(as_text=True)


def measures(db, intake):
    return db.session.scalars(
        db.select(HousingMeasure).where(HousingMeasure.intake_id == intake.id)
    ).all()


def rent_form(**kw):
    return {
        "kind": "rent_support",
        "household_members": "2",
        "starts_on": "2026-03-01",
        "ends_on": "2026-08-31",
        "monthly_amount": "350,00",
        "months": "6",
        "amount": "",
        "notes": "Contratto con la signora Rossi",
    } | kw


@pytest.fixture
def worker(client, login_as, housing_caseworker):
    login_as(housing_caseworker)
    return client


def test_a_caseworker_proposes_rent_support_and_sees_it_in_euro(
    worker, db, create_case, housing_caseworker
):
    intake = create_case(first_name="Amina")
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert "Amina" in shown and "Ancora nessuna misura per la casa." in shown
    [viewed] = audit(db, "case.viewed")
    assert (viewed.target_id, viewed.actor_id) == (intake.id, housing_caseworker.id)

    response = worker.post_form(f"/cases/{intake.id}/housing", rent_form())
    [measure] = measures(db, intake)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{intake.id}/housing#measure-{measure.id}")
    assert (measure.kind, measure.status, measure.people) == (
        MeasureKind.RENT_SUPPORT, MeasureStatus.PROPOSED, 3,
    )  # fmt: skip
    assert (measure.monthly_amount, measure.months, measure.amount) == (
        Decimal("350.00"), 6, Decimal("2100.00"),
    )  # fmt: skip
    assert measure.created_by_id == housing_caseworker.id
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert "2.100,00\xa0€" in shown and "350,00\xa0€" in shown
    assert "<h3>Contributo all'affitto</h3>" in shown and "Proposta" in shown


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"monthly_amount": "-350"}, "monthly_amount", "L&#39;importo non può essere negativo."),
        ({"monthly_amount": "1e30"}, "monthly_amount", "per esempio 350,00"),
        ({"monthly_amount": "9" * 400}, "monthly_amount", "per esempio 350,00"),
        ({"monthly_amount": "99999999"}, "monthly_amount", "L&#39;importo è troppo grande"),
        ({"months": "999999999999"}, "months", "Scrivi per quanti mesi: da 1 a 60."),
        ({"months": "sei"}, "months", "Non è una valore intero valido"),
        ({"household_members": "-1"}, "household_members", "da 0 a 20"),
        ({"ends_on": "2026-01-01"}, "ends_on", "La fine non può essere prima dell&#39;inizio."),
        ({"starts_on": "0001-01-01"}, "starts_on", "Scegli una data tra il 2000 e il 2100."),
        ({"starts_on": "ieri"}, "starts_on", "Non è una data valida"),
        ({"kind": "palace"}, "kind", "Scegli il tipo di misura."),
        ({"kind": "deposit_support", "amount": "-1"}, "amount", "non può essere negativo"),
    ],
)
def test_a_bad_measure_is_refused_with_what_was_typed_kept(
    worker, db, create_case, change, field, message
):
    intake = create_case()
    sent = rent_form(**change)
    response = worker.post_form(f"/cases/{intake.id}/housing", sent)
    assert response.status_code == 200
    shown = page(response)
    assert message in shown
    assert f'id="{field}-error"' in shown or field == "kind"
    assert "Contratto con la signora Rossi</textarea>" in shown
    for name in ("monthly_amount", "months", "household_members"):
        if len(sent[name]) <= 20:
            assert f'value="{sent[name]}"' in shown
    assert measures(db, intake) == []


def test_a_measure_goes_forward_and_ends_with_its_outcome(worker, db, create_case, create_measure):
    intake = create_case()
    measure = create_measure(intake, kind="autonomy_support", amount="0")
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert 'value="approved"' in shown and 'value="active"' in shown
    # Not begun: only "not started" can end it.
    assert 'value="not_started"' in shown and 'value="autonomous_housing"' not in shown

    approve = worker.post_form(f"/housing/measures/{measure.id}/advance", {"status": "approved"})
    assert approve.status_code == 302
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.APPROVED
    worker.post_form(f"/housing/measures/{measure.id}/advance", {"status": "active"})
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.ACTIVE

    no_outcome = worker.post_form(
        f"/housing/measures/{measure.id}/advance",
        {"status": "ended", "outcome": "", "ends_on": "2026-05-31"},
    )
    assert no_outcome.status_code == 200
    shown = page(no_outcome)
    assert "Scegli come si è conclusa la misura." in shown
    assert f'id="m{measure.id}-end-ends_on"' in shown and 'value="2026-05-31"' in shown
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.ACTIVE

    response = worker.post_form(
        f"/housing/measures/{measure.id}/advance",
        {"status": "ended", "outcome": "autonomous_housing", "ends_on": "2026-05-31"},
    )
    assert response.status_code == 302
    db.session.refresh(measure)
    assert (measure.status, measure.outcome, measure.ends_on) == (
        MeasureStatus.ENDED, Outcome.AUTONOMOUS_HOUSING, date(2026, 5, 31),
    )  # fmt: skip
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert "Autonomia abitativa" in shown and f"/housing/measures/{measure.id}/edit" not in shown


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ({"status": "proposed"}, "La misura non può passare a questo stato."),
        ({"status": "<b>x</b>"}, "Scegli lo stato della misura."),
        ({"status": "ended", "outcome": "autonomous_housing"}, "scegli «Non avviata»"),
        ({"status": "ended", "outcome": "rich"}, "Scegli come si è conclusa la misura."),
        ({"status": "ended", "outcome": "not_started", "ends_on": "2026-01-01"},
         "La fine non può essere prima dell&#39;inizio."),
    ],
)  # fmt: skip
def test_a_step_that_cannot_be_taken_is_said_so(
    worker, db, create_case, create_measure, sent, message
):
    measure = create_measure(create_case())
    response = worker.post_form(f"/housing/measures/{measure.id}/advance", sent)
    assert response.status_code == 200
    assert message in page(response)
    assert "<b>x</b>" not in page(response)
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.PROPOSED


def test_a_measure_is_edited_until_it_ends(worker, db, create_case, create_measure):
    intake = create_case()
    measure = create_measure(
        intake, kind="rent_support", household_members=2, monthly_amount="350", months=6
    )
    form = page(worker.get(f"/housing/measures/{measure.id}/edit"))
    assert 'value="350.00"' in form and 'value="6"' in form and 'name="kind"' not in form
    assert 'name="amount"' not in form  # rent support: the total follows the months

    bad = worker.post_form(
        f"/housing/measures/{measure.id}/edit",
        {"household_members": "2", "starts_on": "2026-03-04", "monthly_amount": "400,5",
         "months": "0", "notes": "Nuovo contratto"},
    )  # fmt: skip
    assert bad.status_code == 200
    assert "Scrivi per quanti mesi: da 1 a 60." in page(bad)
    assert 'value="400,5"' in page(bad) and "Nuovo contratto</textarea>" in page(bad)
    db.session.refresh(measure)
    assert measure.months == 6

    response = worker.post_form(
        f"/housing/measures/{measure.id}/edit",
        {"household_members": "1", "starts_on": "2026-03-04", "monthly_amount": "400,5",
         "months": "3", "notes": "Nuovo contratto"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(measure)
    assert (measure.people, measure.amount, measure.notes) == (
        2,
        Decimal("1201.50"),
        "Nuovo contratto",
    )
    assert len(audit(db, "housing.measure_updated")) == 1

    worker.post_form(f"/housing/measures/{measure.id}/advance",
                     {"status": "ended", "outcome": "not_started"})  # fmt: skip
    ended = worker.get(f"/housing/measures/{measure.id}/edit")
    assert ended.status_code == 302
    assert "non si può più cambiare" in page(worker.get(ended.headers["Location"]))


def test_a_person_and_household_are_placed_then_leave(
    worker, db, create_case, create_measure, create_dwelling
):
    flat = create_dwelling(name="Casa Aurora", places=3)
    create_dwelling(name="Cantiere", state="refurbishing")
    intake = create_case()
    measure = create_measure(intake, household_members=2)
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert "Casa Aurora (3 posti liberi oggi su 3)" in shown
    assert "Cantiere" not in shown  # not open for placements
    assert f'id="m{measure.id}-place-places"' in shown and 'value="3"' in shown

    response = worker.post_form(
        f"/housing/measures/{measure.id}/place",
        {"dwelling_id": str(flat.id), "starts_on": "2026-03-04", "ends_on": "", "places": "3"},
    )
    assert response.status_code == 302
    [placement] = placements_of(measure)
    db.session.refresh(measure)
    db.session.refresh(flat)
    assert (placement.places, placement.starts_on, placement.ends_on) == (3, TODAY, None)
    assert measure.status == MeasureStatus.ACTIVE and flat.state == DwellingState.OCCUPIED

    early = worker.post_form(f"/housing/placements/{placement.id}/end", {"ends_on": "2026-03-01"})
    assert early.status_code == 200
    assert "La fine deve venire dopo l&#39;inizio dell&#39;inserimento." in page(early)
    assert 'value="2026-03-01"' in page(early)

    response = worker.post_form(
        f"/housing/placements/{placement.id}/end", {"ends_on": "2026-04-30"}
    )
    assert response.status_code == 302
    db.session.refresh(placement)
    assert placement.ends_on == date(2026, 4, 30)


def test_overbooking_is_refused_with_the_free_places(
    worker, db, create_case, create_measure, create_dwelling, housing_caseworker
):
    flat = create_dwelling(places=3)
    place(create_measure(household_members=1), flat, TODAY, TODAY, by=housing_caseworker)
    db.session.commit()
    measure = create_measure(household_members=1)
    response = worker.post_form(
        f"/housing/measures/{measure.id}/place",
        {"dwelling_id": str(flat.id), "starts_on": "2026-03-10", "ends_on": "2026-04-10",
         "places": "2"},
    )  # fmt: skip
    assert response.status_code == 200
    shown = page(response)
    assert "l&#39;alloggio ha 1 posti liberi su 3: non c&#39;è posto per 2 persone." in shown
    assert 'value="2026-03-10"' in shown and 'value="2026-04-10"' in shown
    assert placements_of(measure) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dwelling_id": ""}, "Scegli un alloggio del tuo Comune."),
        ({"dwelling_id": "abc"}, "Scegli un alloggio del tuo Comune."),
        ({"dwelling_id": "99999999999999"}, "Scegli un alloggio del tuo Comune."),
        ({"places": "0"}, "Scrivi quante persone: da 1 a 1."),
        ({"starts_on": "2026-02-01"}, "L&#39;inserimento non può iniziare prima della misura."),
        ({"ends_on": "2026-03-01"}, "La fine non può essere prima dell&#39;inizio."),
        ({"starts_on": ""}, "Scrivi la data di inizio."),
    ],
)
def test_a_bad_placement_is_refused(
    worker, db, create_case, create_measure, create_dwelling, change, message
):
    flat = create_dwelling()
    measure = create_measure(create_case())
    sent = {"dwelling_id": str(flat.id), "starts_on": "2026-03-04", "ends_on": "",
            "places": "1"} | change  # fmt: skip
    response = worker.post_form(f"/housing/measures/{measure.id}/place", sent)
    assert response.status_code == 200
    assert message in page(response)
    assert placements_of(measure) == []


def test_another_municipalitys_dwelling_is_no_choice(
    worker, db, create_case, create_measure, create_dwelling, other_municipality
):
    theirs = create_dwelling(municipality_id=other_municipality.id)
    measure = create_measure(create_case())
    response = worker.post_form(
        f"/housing/measures/{measure.id}/place",
        {"dwelling_id": str(theirs.id), "starts_on": "2026-03-04", "places": "1"},
    )
    assert response.status_code == 200
    assert "Scegli un alloggio del tuo Comune." in page(response)
    assert db.session.scalar(db.select(db.func.count(Placement.id))) == 0


def test_the_case_page_shows_the_housing_panel_to_those_who_manage_housing(
    client, login_as, create_case, create_measure, housing_caseworker, caseworker
):
    intake = create_case()
    create_measure(intake, kind="deposit_support", amount="800")
    login_as(housing_caseworker)
    shown = page(client.get(f"/cases/{intake.id}"))
    assert 'id="housing"' in shown and f'href="/cases/{intake.id}/housing"' in shown
    assert "1 misura per la casa" in shown and "Deposito cauzionale o primo affitto" in shown

    login_as(caseworker)
    shown = page(client.get(f"/cases/{intake.id}"))
    assert 'id="housing"' not in shown and f"/cases/{intake.id}/housing" not in shown


def test_a_closed_case_gets_no_new_measure(worker, db, create_case):
    from civic_app.casework.models import IntakeStatus

    intake = create_case(status=IntakeStatus.CLOSED)
    shown = page(worker.get(f"/cases/{intake.id}/housing"))
    assert f'action="/cases/{intake.id}/housing"' not in shown
    response = worker.post_form(f"/cases/{intake.id}/housing", rent_form())
    assert response.status_code == 200
    assert "Il caso è chiuso" in page(response)
    assert measures(db, intake) == []


MEASURE_ROUTES = [
    ("GET", "/cases/{case}/housing"),
    ("POST", "/cases/{case}/housing"),
    ("POST", "/housing/measures/{measure}/advance"),
    ("GET", "/housing/measures/{measure}/edit"),
    ("POST", "/housing/measures/{measure}/edit"),
    ("POST", "/housing/measures/{measure}/place"),
    ("POST", "/housing/placements/{placement}/end"),
]


@pytest.fixture
def placed(db, create_case, create_measure, create_dwelling, housing_caseworker):
    """A case whose measure has a placement going on: (case, measure, placement)."""

    def make(municipality_id=None):
        intake = create_case(**({"municipality_id": municipality_id} if municipality_id else {}))
        measure = create_measure(intake)
        flat = create_dwelling(municipality_id=municipality_id)
        placement = place(measure, flat, TODAY, TODAY, by=housing_caseworker)
        db.session.commit()
        return intake, measure, placement

    return make


def call(client, method, url):
    data = {"status": "ended", "outcome": "left", "ends_on": "2026-04-01", "kind": "placement",
            "starts_on": "2026-03-04"}  # fmt: skip
    return client.get(url) if method == "GET" else client.post_form(url, data)


@pytest.mark.parametrize(("method", "url"), MEASURE_ROUTES)
@pytest.mark.parametrize(
    "who",
    [
        {"role": Role.CASEWORKER, "profession": "caseworker"},
        {"role": Role.STAFF, "grants": ",casework,"},
        {"role": Role.PARTICIPANT},
        {"role": Role.TUTOR},
    ],
)
def test_only_those_with_the_housing_grant_reach_the_measures(
    client, db, login_as, create_user, placed, method, url, who
):
    intake, measure, placement = placed()
    login_as(create_user(**who))
    link = url.format(case=intake.id, measure=measure.id, placement=placement.id)
    assert call(client, method, link).status_code == 403
    db.session.refresh(measure)
    assert measure.status == MeasureStatus.ACTIVE and len(measures(db, intake)) == 1


@pytest.mark.parametrize(("method", "url"), MEASURE_ROUTES)
def test_another_municipalitys_case_measure_and_placement_are_not_found(
    client, db, login_as, create_user, placed, other_municipality, method, url
):
    intake, measure, placement = placed(other_municipality.id)
    login_as(create_user(Role.CASEWORKER, profession="caseworker", grants=",housing,"))
    link = url.format(case=intake.id, measure=measure.id, placement=placement.id)
    assert call(client, method, link).status_code == 404
    db.session.refresh(measure)
    db.session.refresh(placement)
    assert measure.status == MeasureStatus.ACTIVE and placement.ends_on is None
    assert len(measures(db, intake)) == 1
    assert audit(db, "auth.out_of_scope")


def test_staff_with_the_housing_grant_alone_manage_measures(
    client, login_as, housing_staff, create_case, db
):
    intake = create_case()
    login_as(housing_staff)
    shown = page(client.get(f"/cases/{intake.id}/housing"))
    assert 'href="/housing/dwellings"' in shown  # back to the dwellings, not the case
    assert f'href="/cases/{intake.id}"' not in shown
    response = client.post_form(
        f"/cases/{intake.id}/housing",
        {"kind": "deposit_support", "starts_on": "2026-03-04", "amount": "1.500"},
    )
    assert response.status_code == 302
    [measure] = measures(db, intake)
    assert measure.amount == Decimal("1500.00")


def test_a_page_opened_before_a_change_elsewhere_says_what_happened(
    worker, db, create_case, create_measure, create_dwelling, housing_caseworker
):
    """Two tabs: what one did makes the other's buttons stale; they say so, never a 500."""
    flat = create_dwelling()
    intake = create_case()
    measure = create_measure(intake, starts_on=date(2026, 2, 1))
    placement = place(
        measure, flat, date(2026, 2, 1), TODAY, by=housing_caseworker, ends_on=date(2026, 3, 1)
    )
    rent = create_measure(intake, kind="rent_support", monthly_amount="100", months=2)
    db.session.commit()
    ended = worker.post_form(
        f"/housing/measures/{measure.id}/advance",
        {"status": "ended", "outcome": "left", "ends_on": "2026-03-20"},
    )
    assert ended.status_code == 302

    twice = worker.post_form(
        f"/housing/measures/{measure.id}/advance",
        {"status": "ended", "outcome": "left", "ends_on": "2026-03-20"},
    )
    assert twice.status_code == 200
    assert "La misura non può passare a questo stato." in page(twice)
    late = worker.post_form(
        f"/housing/measures/{measure.id}/place",
        {"dwelling_id": str(flat.id), "starts_on": "2026-03-04", "places": "1"},
    )
    assert late.status_code == 200 and "La misura è conclusa." in page(late)
    left = worker.post_form(f"/housing/placements/{placement.id}/end", {"ends_on": "2026-03-30"})
    assert left.status_code == 200
    assert "Questo inserimento è già concluso." in page(left)
    not_a_placement = worker.post_form(
        f"/housing/measures/{rent.id}/place",
        {"dwelling_id": str(flat.id), "starts_on": "2026-03-04", "places": "1"},
    )
    assert not_a_placement.status_code == 200
    assert "Solo una misura di inserimento si fa in un alloggio." in page(not_a_placement)
    assert placements_of(rent) == []
    db.session.refresh(placement)
    assert placement.ends_on == date(2026, 3, 1)
