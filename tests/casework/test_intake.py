"""Taking a person in charge: an alias is enough, bad input is explained and nothing is
lost, a known person is offered instead of a duplicate, a form sent twice is recorded
once, staff merge two records of one person."""

import re
from html import unescape

import pytest

from civic_app.casework import intakes
from civic_app.casework.intakes import find_matches, merge_people, record_intake
from civic_app.casework.models import ConsentMethod, Intake
from civic_app.core.accounts import Consent, User
from civic_app.core.errors import DomainError
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.extensions import db

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def as_caseworker(client, login_as, caseworker, clock):
    login_as(caseworker)
    return caseworker


def post_intake(client, **fields):
    data = {"first_name": "Rosa", "consent_method": "verbal", "met_on": "2026-03-04"}
    data |= {"language": "it", **fields}
    return client.post_form("/cases/new", {k: v for k, v in data.items() if v is not None})


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def intakes_of(person_id: int) -> list[Intake]:
    return list(db.session.scalars(db.select(Intake).where(Intake.person_id == person_id)))


def in_care(municipality, **kw) -> User:
    values = {
        "role": Role.IN_CARE,
        "municipality_id": municipality.id,
        "first_name": "Amina",
        "preferred_language": "ar",
    }
    person = User(**(values | kw))
    db.session.add(person)
    db.session.commit()
    return person


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def case_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.fullmatch(r"/cases/(\d+)", response.headers["Location"]).group(1))


# Recording ---------------------------------------------------------------------------


def test_the_form_opens_with_todays_date_and_the_consent_text_to_read_out(client, as_caseworker):
    page = client.get("/cases/new").get_data(as_text=True)
    assert 'name="met_on"' in page and 'value="2026-03-04"' in page
    assert "data-intake data-fresh" in page
    assert re.search(r'name="client_key" type="hidden" value="[0-9a-f]{32}"', page)
    assert "lo sportello o l&#39;unità mobile del Comune registri i miei dati" in page
    assert 'type="checkbox" value="mental_health"' in page
    assert 'type="radio" value="verbal"' in page


def test_an_alias_and_a_consent_method_are_enough(client, as_caseworker, municipality):
    response = post_intake(client, first_name="Rosa del parco")
    intake = db.session.get(Intake, case_id(response))
    person = intake.person
    assert (person.role, person.first_name, person.last_name, person.phone) == (
        Role.IN_CARE,
        "Rosa del parco",
        None,
        None,
    )
    assert person.municipality_id == municipality.id
    assert intake.consent_method == ConsentMethod.VERBAL
    assert intake.interpreter == ""  # said aloud, no interpreter
    assert intake.recorded_by_id == as_caseworker.id
    assert intake.unit_id is None and intake.needs == ""
    assert str(intake.met_on) == str(intake.last_seen_on) == "2026-03-04"
    consent = db.session.scalar(db.select(Consent).where(Consent.user_id == person.id))
    assert (consent.purpose, consent.method, consent.recorded_by_id) == (
        "casework",
        "verbal",
        as_caseworker.id,
    )
    assert consent.language == "it" and "unità mobile" in consent.text


def test_the_case_page_shows_what_was_recorded(client, as_caseworker, unit):
    response = post_intake(
        client,
        first_name="Yusuf",
        phone="347 555 0101",
        birth_year="1994",
        citizenship="SD",
        language="ar",
        unit=str(unit.id),
        zone="Stazione Termini",
        needs=["legal", "basic_needs"],
        vulnerabilities=["trafficking_victim"],
        interpreter="Mediatrice Samira",
    )
    intake = db.session.get(Intake, case_id(response))
    person = intake.person
    assert (person.phone, person.birth_year, person.citizenship) == ("+393475550101", 1994, "SD")
    assert person.preferred_language == "ar"
    assert person.vulnerabilities == ",trafficking_victim,"
    assert (intake.unit_id, intake.zone, intake.needs) == (
        unit.id,
        "Stazione Termini",
        ",legal,basic_needs,",
    )
    assert intake.interpreter == "Mediatrice Samira"
    page = client.get(f"/cases/{intake.id}").get_data(as_text=True)
    shown = [
        "Yusuf", "Sudan", "1994", "Documenti, permessi, aiuto legale", "Cibo e bisogni di base",
        unit.name, "Stazione Termini", "A voce", "Mediatrice Samira", as_caseworker.display_name,
    ]  # fmt: skip
    assert [text for text in shown if text not in page] == []


def test_written_consent_keeps_no_interpreter_and_sms_code_needs_a_phone(client, as_caseworker):
    intake = db.session.get(
        Intake, case_id(post_intake(client, consent_method="written", interpreter="X"))
    )
    assert intake.interpreter is None
    response = post_intake(client, first_name="Ali", consent_method="sms_code")
    assert response.status_code == 200
    assert "Senza telefono il consenso è scritto o a voce." in response.get_data(as_text=True)
    assert count(Intake) == 1


@pytest.mark.parametrize(
    ("phone", "ticked", "expected"),
    [("+393471112223", "y", True), ("+393471112224", None, False), (None, "y", False)],
)
def test_the_sms_consent_is_recorded_only_when_ticked_for_a_phone(
    client, as_caseworker, phone, ticked, expected
):
    intake = db.session.get(Intake, case_id(post_intake(client, phone=phone, sms=ticked)))
    purposes = {
        c.purpose
        for c in db.session.scalars(db.select(Consent).where(Consent.user_id == intake.person_id))
    }
    assert ("sms" in purposes) is expected
    assert "casework" in purposes


def test_a_consent_method_is_required(client, as_caseworker):
    response = post_intake(client, consent_method=None)
    assert response.status_code == 200
    assert "Scegli come la persona dà il consenso." in response.get_data(as_text=True)
    assert count(Intake) == 0


# Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"met_on": "2026-02-31"}, None),
        ({"met_on": "2026-03-05"}, "La data dell'incontro non può essere nel futuro."),
        ({"met_on": "1999-12-31"}, "Scegli una data"),
        ({"met_on": ""}, None),
        ({"birth_year": "2027"}, "Scrivi l'anno di nascita con 4 cifre, tra 1926 e 2026."),
        ({"birth_year": "1850"}, "Scrivi l'anno di nascita con 4 cifre, tra 1926 e 2026."),
        ({"birth_year": "19x0"}, "Scrivi l'anno di nascita con 4 cifre, tra 1926 e 2026."),
        ({"phone": "12"}, "Questo numero non esiste."),
        ({"phone": "telefono"}, "Scrivi un numero di telefono valido"),
        ({"citizenship": "QQ"}, None),
        ({"language": "xx"}, None),
        ({"needs": ["flying"]}, "Scegli una voce dell'elenco."),
        ({"first_name": "   "}, None),
    ],
)
def test_bad_input_is_explained_nothing_is_saved_and_the_typed_values_stay(
    client, as_caseworker, fields, message
):
    users = count(User)
    response = post_intake(
        client, **({"first_name": "Rosa del parco", "zone": "Via Nizza"} | fields)
    )
    assert response.status_code == 200
    page = text_of(response)
    assert 'class="error-summary"' in page
    if message:
        assert message in page
    if "first_name" not in fields:
        assert 'value="Rosa del parco"' in page
    assert 'value="Via Nizza"' in page
    assert count(Intake) == 0 and count(User) == users


def test_every_mistake_is_shown_at_once(client, as_caseworker):
    page = text_of(post_intake(client, consent_method=None, birth_year="3000", met_on="2026-02-31"))
    assert 'id="consent_method-error"' in page and 'id="birth_year-error"' in page
    assert 'id="met_on-error"' in page
    assert count(Intake) == 0


@pytest.mark.parametrize("name", ["zone", "first_name", "last_name", "interpreter"])
def test_a_10000_character_text_gets_a_clear_message(client, as_caseworker, name):
    response = post_intake(client, **{name: "x" * 10_000})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{name}-error"' in page and "x" * 10_000 not in page
    assert count(Intake) == 0


def test_an_unknown_unit_or_another_municipalitys_unit_is_refused(
    client, as_caseworker, create_unit, other_municipality
):
    theirs = create_unit(municipality_id=other_municipality.id, name="Sportello Milano")
    for unit_id in ("99999", str(theirs.id), "abc"):
        response = post_intake(client, unit=unit_id)
        assert response.status_code == 200
        assert 'id="unit-error"' in response.get_data(as_text=True)
    assert "Sportello Milano" not in client.get("/cases/new").get_data(as_text=True)
    assert count(Intake) == 0


def test_the_operation_refuses_what_the_form_would_not_offer(
    app, caseworker, municipality, create_unit, other_municipality, clock
):
    theirs = create_unit(municipality_id=other_municipality.id)
    base = {"first_name": "Rosa", "consent_method": "verbal", "met_on": clock.now().date()}
    for extra, field in [
        ({"unit_id": theirs.id}, "unit"),
        ({"birth_year": 1850}, "birth_year"),
        ({"vulnerabilities": ["nope"]}, "vulnerabilities"),
        ({"consent_method": "telepathy"}, "consent_method"),
        ({"zone": "z" * 81}, "zone"),
        ({"client_key": "short"}, None),
    ]:
        with app.test_request_context(), pytest.raises(DomainError) as raised:
            record_intake(municipality.id, caseworker, base | extra, clock.now())
        assert raised.value.field == field
    assert count(Intake) == 0


# Known people ------------------------------------------------------------------------


def test_a_participant_with_the_same_phone_is_offered_and_used(
    client, as_caseworker, create_participant
):
    known = create_participant(first_name="Samuel", phone="+393471234567", birth_year=1990)
    response = post_intake(client, first_name="Sam", phone="347 123 4567")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Questa persona è già conosciuta?" in page and "Samuel" in page and "1990" in page
    assert known.last_name not in page and "+39 347" not in page.split('id="person"')[1][:1500]
    assert f'name="person" value="{known.id}"' in page
    assert 'value="Sam"' in page and 'value="347 123 4567"' in page  # typed values kept
    assert count(Intake) == 0

    response = post_intake(client, first_name="Sam", phone="347 123 4567", person=str(known.id))
    intake = db.session.get(Intake, case_id(response))
    assert intake.person_id == known.id
    assert db.session.get(User, known.id).role == Role.PARTICIPANT
    assert db.session.get(User, known.id).first_name == "Samuel"  # what is on record stays


def test_a_new_person_cannot_take_the_phone_of_a_known_one(
    client, as_caseworker, create_participant
):
    create_participant(phone="+393471234567")
    response = post_intake(client, first_name="Sam", phone="3471234567", person="new")
    assert response.status_code == 200
    assert "Questo numero è di una persona già registrata" in response.get_data(as_text=True)
    assert count(Intake) == 0


def test_the_same_name_year_and_citizenship_is_offered(
    client, as_caseworker, municipality, create_case
):
    known = in_care(municipality, first_name="Amina", birth_year=1990, citizenship="NG")
    first = create_case(person=known)
    fields = {"first_name": "  aMINA ", "birth_year": "1990", "citizenship": "NG"}
    page = text_of(post_intake(client, **fields))
    assert f'name="person" value="{known.id}"' in page
    assert "Nigeria" in page and "vista l'ultima volta il 4 mar 2026" in page

    # A different year of birth is another person.
    other_year = post_intake(client, **(fields | {"birth_year": "1991"}))
    assert 'id="person"' not in text_of(other_year)
    assert case_id(other_year) and count(Intake) == 2  # recorded as someone new

    intake = db.session.get(Intake, case_id(post_intake(client, **fields, person=str(known.id))))
    assert intake.person_id == known.id
    assert {i.id for i in intakes_of(known.id)} == {first.id, intake.id}

    other = db.session.get(Intake, case_id(post_intake(client, **fields, person="new")))
    assert other.person_id != known.id and other.person.first_name == "aMINA"


def test_a_chosen_person_must_be_one_of_the_matches(client, as_caseworker, municipality, staff):
    stranger = in_care(municipality, first_name="Nadia", birth_year=1980, citizenship="MA")
    for person in (str(stranger.id), str(staff.id)):
        response = post_intake(client, first_name="Rosa", person=person)
        assert response.status_code == 200
        assert "La persona scelta non corrisponde ai dati" in response.get_data(as_text=True)
    assert count(Intake) == 0


def test_a_caseworker_of_another_municipality_never_sees_these_people(
    client, login_as, create_user, municipality, other_municipality, clock
):
    in_care(
        municipality, first_name="Amina", birth_year=1990, citizenship="NG", phone="+393471234567"
    )
    login_as(create_user(Role.CASEWORKER, municipality=other_municipality))
    response = post_intake(client, first_name="Amina", birth_year="1990", citizenship="NG")
    intake = db.session.get(Intake, case_id(response))
    assert intake.municipality_id == other_municipality.id
    assert intake.person.municipality_id == other_municipality.id
    response = post_intake(client, first_name="Sam", phone="3471234567")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="person"' not in page and "Amina" not in page
    assert "Questo numero non si può usare qui" in page
    assert find_matches(other_municipality.id, "+393471234567", "Amina", 1990, "NG") == [
        intake.person
    ]


def test_staff_tutors_and_erased_people_are_never_matches(app, municipality, create_user, clock):
    create_user(Role.TUTOR, first_name="Amina", birth_year=1990, citizenship="NG")
    create_user(Role.STAFF, phone="+393471234567")
    in_care(
        municipality, first_name="Amina", birth_year=1990, citizenship="NG", erased_at=clock.now()
    )
    assert find_matches(municipality.id, "+393471234567", "Amina", 1990, "NG") == []


# Sent twice --------------------------------------------------------------------------


def test_the_same_client_key_posted_twice_makes_one_intake(client, as_caseworker):
    first = case_id(post_intake(client, first_name="Rosa", client_key=KEY))
    second = post_intake(client, first_name="Rosa", client_key=KEY)
    assert case_id(second) == first
    assert count(Intake) == 1 and count(Consent) == 1
    assert count(User) == 2  # the caseworker and Rosa
    # Sent again later, when the form would no longer pass (a day gone by, a unit closed):
    # the phone's retry still finds its case.
    again = client.post_form("/cases/new", {"client_key": KEY, "first_name": "Rosa"})
    assert case_id(again) == first and count(Intake) == 1


def test_a_send_racing_another_finds_the_intake_it_made(
    app, caseworker, municipality, clock, monkeypatch
):
    data = {
        "first_name": "Rosa",
        "consent_method": "verbal",
        "met_on": clock.now().date(),
        "client_key": KEY,
    }
    with app.test_request_context():
        first = record_intake(municipality.id, caseworker, data, clock.now())
        real = intakes.intake_by_key
        calls = []

        def not_yet(*args):  # the other send has not committed when this one looks
            calls.append(args)
            return None if len(calls) == 1 else real(*args)

        monkeypatch.setattr(intakes, "intake_by_key", not_yet)
        again = record_intake(municipality.id, caseworker, data, clock.now())
    assert again.id == first.id and len(calls) == 2
    assert count(Intake) == 1 and count(Consent) == 1
    assert (
        db.session.scalar(db.select(db.func.count(User.id)).where(User.role == Role.IN_CARE)) == 1
    )


# Who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.TUTOR, Role.PARTICIPANT, Role.COORDINATOR, Role.STAFF])
def test_only_the_case_team_records_intakes(client, login_as, create_user, role):
    login_as(create_user(role))
    assert client.get("/cases/new").status_code == 403
    assert post_intake(client).status_code == 403
    assert count(Intake) == 0


def test_staff_on_the_case_team_record_intakes(client, login_as, create_user, clock):
    login_as(create_user(Role.STAFF, grants=",casework,"))
    assert client.get("/cases/new").status_code == 200
    case_id(post_intake(client))


def test_nobody_logged_in_is_sent_to_the_login_page(client):
    response = client.get("/cases/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_service_worker_may_cover_the_cases_pages(client):
    response = client.get("/cases/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/cases/"
    assert "/cases/new" in response.get_data(as_text=True)


# Merging -----------------------------------------------------------------------------


def test_staff_merge_two_records_of_one_person(
    client, login_as, staff, municipality, create_case, clock
):
    keep = in_care(municipality, first_name="Amina", last_name=None, birth_year=None)
    merged = in_care(
        municipality, first_name="Amina", last_name="Yusuf", birth_year=1990, phone="+393470000111",
        vulnerabilities=",single_parent,",
    )  # fmt: skip
    kept_case, moved_case = create_case(person=keep), create_case(person=merged)
    db.session.add(
        Consent(user_id=merged.id, purpose="casework", version="v", language="ar", text="t",
                method="verbal", given_at=clock.now())
    )  # fmt: skip
    db.session.commit()
    login_as(staff)

    page = client.post_form("/staff/cases/merge", {"q": "amina", "search": "Cerca"}).get_data(
        as_text=True
    )
    assert f'name="keep" value="{keep.id}"' in page and f'name="merge" value="{merged.id}"' in page
    response = client.post_form(
        "/staff/cases/merge",
        {"q": "amina", "keep": keep.id, "merge": merged.id, "confirm": "y", "submit": "Unisci"},
    )
    assert response.status_code == 302 and "amina" not in response.headers["Location"].lower()

    keep, merged = db.session.get(User, keep.id), db.session.get(User, merged.id)
    assert {i.id for i in intakes_of(keep.id)} == {kept_case.id, moved_case.id}
    assert (
        db.session.scalar(db.select(db.func.count(Consent.id)).where(Consent.user_id == keep.id))
        == 1
    )
    assert (keep.last_name, keep.birth_year, keep.phone) == ("Yusuf", 1990, "+393470000111")
    assert keep.vulnerabilities == ",single_parent,"
    assert merged.erased_at is not None and not merged.is_active_account
    assert merged.phone is None and merged.first_name == f"#{merged.id}"
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "case.people_merged")
    )
    assert event.actor_id == staff.id and event.target_id == keep.id
    assert event.details == {
        "kept_id": keep.id,
        "merged_id": merged.id,
        "intakes": 1,
        "consents": 1,
    }


def test_merging_needs_the_confirmation_and_two_different_people(
    client, login_as, staff, municipality
):
    one = in_care(municipality, first_name="Amina")
    other = in_care(municipality, first_name="Amina")
    login_as(staff)
    for data in (
        {"keep": one.id, "merge": other.id},
        {"keep": one.id, "merge": one.id, "confirm": "y"},
    ):
        response = client.post_form(
            "/staff/cases/merge", {"q": "amina", "submit": "Unisci", **data}
        )
        assert response.status_code == 200
        assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.get(User, other.id).erased_at is None


def test_a_participant_is_kept_not_merged_away(app, staff, municipality, create_participant, clock):
    participant = create_participant(first_name="Amina")
    person = in_care(municipality, first_name="Amina")
    with app.test_request_context(), pytest.raises(DomainError):
        merge_people(person, participant, staff, clock.now())
    with app.test_request_context():
        merge_people(participant, person, staff, clock.now())
    assert db.session.get(User, person.id).erased_at is not None


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TUTOR, Role.PARTICIPANT, Role.COORDINATOR])
def test_only_staff_merge(client, login_as, create_user, role):
    login_as(create_user(role))
    assert client.get("/staff/cases/merge").status_code == 403


def test_staff_of_another_municipality_cannot_merge_these_people(
    client, login_as, create_user, municipality, other_municipality
):
    one, other = (
        in_care(municipality, first_name="Amina"),
        in_care(municipality, first_name="Amina"),
    )
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    page = client.post_form("/staff/cases/merge", {"q": "amina", "search": "Cerca"}).get_data(
        as_text=True
    )
    assert "Nessuna persona con questo nome." in page
    response = client.post_form(
        "/staff/cases/merge",
        {"q": "amina", "keep": one.id, "merge": other.id, "confirm": "y", "submit": "U"},
    )
    assert response.status_code == 200 and db.session.get(User, other.id).erased_at is None
