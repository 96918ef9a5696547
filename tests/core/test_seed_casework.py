"""Casework in `flask seed demo` and `flask seed scale`: units, the directory, intakes,
referrals and notes, in the right municipalities and at the seed's proportions."""

from collections import Counter
from datetime import timedelta

from civic_app.casework.models import (
    CareService,
    CaseNote,
    Intake,
    Referral,
    ReferralChange,
    ReferralStatus,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.core.accounts import Consent, User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.seeding.bulk import EMAIL_DOMAIN, wipe
from civic_app.seeding.scale_casework import intake_total

CITIES = ("roma", "milano", "palermo")


def count(db, query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))


def changes_by_referral(db) -> dict[int, list[ReferralChange]]:
    steps: dict[int, list[ReferralChange]] = {}
    for change in db.session.scalars(
        db.select(ReferralChange).order_by(ReferralChange.at, ReferralChange.id)
    ):
        steps.setdefault(change.referral_id, []).append(change)
    return steps


def check_referrals_keep_the_rules(db, now) -> list[Referral]:
    """Every referral: its case's municipality, a service of that municipality or a
    network-wide one, and its steps ending at its status and its last news."""
    referrals = db.session.scalars(db.select(Referral)).all()
    steps = changes_by_referral(db)
    for referral in referrals:
        service, intake = referral.service, referral.intake
        assert referral.municipality_id == intake.municipality_id
        assert service.municipality_id == referral.municipality_id or (
            service.network_wide and service.kind != ServiceKind.CIVIC_ENGAGEMENT
        )
        path = steps[referral.id]
        assert path[0].status == ReferralStatus.PROPOSED
        assert path[-1].status == referral.status
        assert path[-1].at == referral.status_changed_at <= now
        assert path[0].at >= intake.created_at
        if referral.status in (ReferralStatus.CLOSED, ReferralStatus.REFUSED):
            assert referral.outcome and path[-1].note == referral.outcome
    return referrals


# --- flask seed scale ---------------------------------------------------------------


def scale(app, factor: str):
    result = app.test_cli_runner().invoke(args=["seed", "scale", "--factor", factor])
    assert result.exit_code == 0, result.output
    return result


def test_scale_casework_follows_the_factor_and_the_municipalities(app, db, clock):
    result = scale(app, "0.1")  # 2 municipalities, 300 participants
    assert "300 intakes" in result.output and f"caseworker1.<slug>@{EMAIL_DOMAIN}" in result.output
    intakes = db.session.scalars(db.select(Intake)).all()
    assert len(intakes) == intake_total(0.1, 2) == 300
    municipalities = db.session.scalars(db.select(Municipality)).all()
    assert len(municipalities) == 2
    # Shared out like the participants (the same weights).
    per_place = Counter(i.municipality_id for i in intakes)
    for m in municipalities:
        participants = count(
            db,
            db.select(User.id).where(User.role == Role.PARTICIPANT, User.municipality_id == m.id),
        )
        assert per_place[m.id] == participants
        kinds = set(db.session.scalars(db.select(Unit.kind).where(Unit.municipality_id == m.id)))
        assert kinds == set(UnitKind)
        services = db.session.scalars(
            db.select(CareService).where(CareService.municipality_id == m.id)
        ).all()
        assert 9 <= len([s for s in services if not s.network_wide]) <= 11
        assert ServiceKind.CIVIC_ENGAGEMENT in {s.kind for s in services}
        team = db.session.scalars(
            db.select(User.profession).where(
                User.role == Role.CASEWORKER, User.municipality_id == m.id
            )
        ).all()
        assert sorted(team) == ["caseworker", "psychologist"]
    assert count(db, db.select(CareService.id).where(CareService.network_wide)) == 1
    # Each case's person lives where the case is; about one in five is a participant,
    # signed up assisted from the unit that met them, with an accepted referral to the
    # programme.
    roles = Counter()
    consents = set(
        db.session.scalars(db.select(Consent.user_id).where(Consent.purpose == "casework"))
    )
    for intake in intakes:
        person = intake.person
        assert person.municipality_id == intake.municipality_id
        assert person.id in consents
        assert intake.met_on <= to_local(clock.now()).date()
        roles[person.role] += 1
        if person.role == Role.PARTICIPANT:
            assert person.signed_up_via == "assisted"
            assert person.referral_source == intake.unit.kind.value
    assert set(roles) == {Role.IN_CARE, Role.PARTICIPANT}
    assert 0.12 <= roles[Role.PARTICIPANT] / len(intakes) <= 0.28
    referrals = check_referrals_keep_the_rules(db, clock.now())
    civic = [r for r in referrals if r.service.kind == ServiceKind.CIVIC_ENGAGEMENT]
    assert len(civic) == roles[Role.PARTICIPANT]
    assert {r.status for r in civic} == {ReferralStatus.ACCEPTED}
    assert {r.intake.person.role for r in civic} == {Role.PARTICIPANT}
    # About 1.3 referrals and one note per case; 1 to 3 steps each; every status.
    assert 1.15 <= len(referrals) / len(intakes) <= 1.45
    assert set(Counter(len(s) for s in changes_by_referral(db).values())) == {1, 2, 3}
    assert {r.status for r in referrals} == set(ReferralStatus)
    notes = count(db, db.select(CaseNote.id))
    assert 0.8 <= notes / len(intakes) <= 1.2
    # In-care people's phones are their own range, and unique.
    phones = db.session.scalars(
        db.select(User.phone).where(User.role == Role.IN_CARE, User.phone.is_not(None))
    ).all()
    assert phones and len(phones) == len(set(phones))
    assert all(p.startswith("+39349") and len(p) == 13 for p in phones)


def test_a_seeded_caseworker_opens_cases_of_their_own_municipality_only(app, db, client, clock):
    scale(app, "0.1")
    first, second = db.session.scalars(db.select(Municipality).order_by(Municipality.id)).all()
    response = client.post_form(
        "/login",
        {"email": f"caseworker1.{first.slug}@{EMAIL_DOMAIN}",
         "password": app.config["DEMO_PASSWORD"]},
    )  # fmt: skip
    assert response.status_code == 302
    own = db.session.scalar(db.select(Intake.id).where(Intake.municipality_id == first.id))
    other = db.session.scalar(db.select(Intake.id).where(Intake.municipality_id == second.id))
    assert client.get("/cases").status_code == 200
    assert client.get(f"/cases/{own}").status_code == 200
    assert client.get(f"/cases/{other}").status_code == 404


# --- flask seed demo ----------------------------------------------------------------


def demo(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    return result


def snapshot(db) -> list:
    rows = []
    for query in (
        db.select(Unit.name, Unit.kind, Unit.zone, Municipality.slug).join(
            Municipality, Municipality.id == Unit.municipality_id
        ),
        db.select(CareService.name, CareService.kind, CareService.phone, CareService.languages),
        db.select(User.first_name, User.role, User.phone, User.created_at).join(
            Intake, Intake.person_id == User.id
        ),
        db.select(User.email, User.profession).where(User.role == Role.CASEWORKER),
        db.select(Intake.met_on, Intake.zone, Intake.needs, Intake.consent_method,
                  Intake.interpreter, Intake.status, Intake.last_seen_on),
        db.select(Referral.status, Referral.appointment_at, Referral.status_changed_at),
        db.select(ReferralChange.status, ReferralChange.at),
        db.select(CaseNote.sensitivity, CaseNote.body, CaseNote.written_at),
    ):  # fmt: skip
        rows.append(db.session.execute(query.order_by(*query.selected_columns)).all())
    return rows


def test_demo_has_casework_in_roma_milano_and_palermo(app, db, clock):
    result = demo(app)
    for email in ("operatore.roma@", "psicologa.roma@", "operatore.milano@", "operatore.palermo@"):
        assert email in result.output
    now = clock.now()
    today = to_local(now).date()
    tomorrow = local_day_bounds(today + timedelta(days=1))
    today_bounds = local_day_bounds(today)
    referrals = check_referrals_keep_the_rules(db, now)
    helpline = db.session.scalar(db.select(CareService).where(CareService.network_wide))
    assert db.session.get(Municipality, helpline.municipality_id).slug == "roma"
    assert helpline.kind != ServiceKind.CIVIC_ENGAGEMENT
    for slug in CITIES:
        m = db.session.scalar(db.select(Municipality).where(Municipality.slug == slug))
        units = db.session.scalars(db.select(Unit).where(Unit.municipality_id == m.id)).all()
        assert {u.kind for u in units} == set(UnitKind)
        assert all(u.opening_hours and u.zone for u in units)
        services = db.session.scalars(
            db.select(CareService).where(CareService.municipality_id == m.id)
        ).all()
        kinds = {s.kind for s in services}
        assert len(kinds - {ServiceKind.CIVIC_ENGAGEMENT, ServiceKind.OTHER}) >= 6
        programme = [s for s in services if s.kind == ServiceKind.CIVIC_ENGAGEMENT]
        assert [s.name for s in programme] == ["Programma di impegno civico"]
        legal = next(s for s in services if s.kind == ServiceKind.LEGAL_AID)
        assert {"ar", "en"} <= set(legal.language_codes)
        intakes = db.session.scalars(db.select(Intake).where(Intake.municipality_id == m.id)).all()
        assert 10 <= len(intakes) <= 15
        people = [i.person for i in intakes]
        assert all(p.municipality_id == m.id and p.sex and p.birth_year and p.citizenship
                   for p in people)  # fmt: skip
        assert any(p.phone is None and p.last_name is None for p in people)
        assert {p.preferred_language for p in people} <= {"ar", "en", "fr", "bn", "ur", "uk", "es"}
        assert any(i.interpreter for i in intakes)
        assert min(i.met_on for i in intakes) >= today - timedelta(days=92)
        mine = [r for r in referrals if r.municipality_id == m.id]
        statuses = {r.status for r in mine}
        assert statuses == set(ReferralStatus), slug
        appointments = [r.appointment_at for r in mine if r.appointment_at]
        assert any(tomorrow[0] <= at < tomorrow[1] for at in appointments)
        assert any(today_bounds[0] <= at < today_bounds[1] for at in appointments)
        stale = [r for r in mine if r.status in (ReferralStatus.PROPOSED, ReferralStatus.SENT,
                                                   ReferralStatus.ACCEPTED)
                 and now - r.status_changed_at >= timedelta(days=14)]  # fmt: skip
        assert [(now - r.status_changed_at).days for r in stale] == [20]
        joined = [r for r in mine if r.service.kind == ServiceKind.CIVIC_ENGAGEMENT]
        assert [r.status for r in joined] == [ReferralStatus.ACCEPTED]
        person = joined[0].intake.person
        assert person.role == Role.PARTICIPANT
        assert (person.signed_up_via, person.referral_source) == ("assisted", "mobile_unit")
        others = {p.role for p in people} - {Role.PARTICIPANT}
        assert others == {Role.IN_CARE}
        notes = db.session.scalars(
            db.select(CaseNote).join(Intake, Intake.id == CaseNote.intake_id)
            .where(Intake.municipality_id == m.id)
        ).all()  # fmt: skip
        assert notes and all(n.municipality_id == m.id for n in notes)
    sms_people = db.session.scalars(
        db.select(User).join(Consent, Consent.user_id == User.id)
        .where(User.role == Role.IN_CARE, Consent.purpose == "sms")
    ).all()  # fmt: skip
    assert sms_people and all(p.phone for p in sms_people)
    health = db.session.scalars(db.select(CaseNote).where(CaseNote.sensitivity == "health")).all()
    assert health and {n.author.email for n in health} == {"psicologa.roma@demo.civic.local"}


def test_the_demo_caseworker_logs_in_and_opens_a_roma_case_not_a_milano_one(app, db, client):
    demo(app)
    response = client.post_form(
        "/login",
        {"email": "operatore.roma@demo.civic.local", "password": app.config["DEMO_PASSWORD"]},
    )
    assert response.status_code == 302

    def case_in(slug: str) -> int:
        return db.session.scalar(
            db.select(Intake.id)
            .join(Municipality, Municipality.id == Intake.municipality_id)
            .where(Municipality.slug == slug)
            .order_by(Intake.id)
        )

    assert client.get(f"/cases/{case_in('roma')}").status_code == 200
    assert client.get(f"/cases/{case_in('milano')}").status_code == 404
    assert client.get("/cases").status_code == 200


def test_the_demo_casework_is_the_same_each_time_and_not_made_twice(app, db, clock):
    demo(app)
    first = snapshot(db)
    demo(app)  # again, without --if-empty: nothing added
    assert snapshot(db) == first
    wipe()
    demo(app)
    assert snapshot(db) == first
