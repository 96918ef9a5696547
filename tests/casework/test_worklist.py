"""The caseworker's worklist (issue 20, point 5): referrals with no news after N days,
today's appointments on Rome's calendar, people not seen for 30 days; each a link to the
case with the first name and what is due, never a note or a reason."""

from datetime import UTC, date, datetime, timedelta

import pytest

from civic_app.casework.models import IntakeStatus, ReferralStatus
from civic_app.casework.referrals import advance, refer
from civic_app.casework.worklist import worklist

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def legal(create_service):
    return create_service()


def refer_back(case, service, caseworker, days_ago: int, status=ReferralStatus.SENT):
    """A referral whose last news was `days_ago` days before NOW."""
    at = NOW - timedelta(days=days_ago)
    if status == ReferralStatus.PROPOSED:
        return refer(case, service, caseworker, "Segreto del motivo", None, "", at)
    referral = refer(
        case, service, caseworker, "Segreto del motivo", None, "", at - timedelta(days=1)
    )
    advance(referral, status, caseworker, "esito riservato", at)
    return referral


def ids(items) -> list[int]:
    return [item.intake_id for item in items]


def test_referrals_with_no_news_after_the_configured_days(
    app, db, municipality, create_case, legal, caseworker, clock, monkeypatch
):
    old = create_case(first_name="Old")
    recent = create_case(first_name="Recent")
    ended = create_case(first_name="Ended")
    proposed = create_case(first_name="Proposed")
    refer_back(old, legal, caseworker, 15)
    refer_back(recent, legal, caseworker, 13)
    refer_back(ended, legal, caseworker, 40, ReferralStatus.REFUSED)
    refer_back(proposed, legal, caseworker, 20, ReferralStatus.PROPOSED)
    db.session.commit()
    stale = worklist(municipality.id, NOW)["stale"]
    assert ids(stale) == [proposed.id, old.id]  # the oldest news first
    assert [(i.first_name, i.status, i.days) for i in stale] == [
        ("Proposed", ReferralStatus.PROPOSED, 20), ("Old", ReferralStatus.SENT, 15),
    ]  # fmt: skip
    monkeypatch.setitem(app.config, "CASEWORK_STALE_DAYS", 10)
    assert ids(worklist(municipality.id, NOW)["stale"]) == [proposed.id, old.id, recent.id]


def test_todays_appointments_follow_romes_calendar(
    db, municipality, create_case, legal, caseworker, clock
):
    early = create_case(first_name="Early")  # 00:30 in Rome is still yesterday in UTC
    afternoon = create_case(first_name="Afternoon")
    tonight_utc = create_case(first_name="Tomorrow")  # 23:30 UTC is tomorrow in Rome
    attended = create_case(first_name="Attended")
    for case, at in (
        (early, datetime(2026, 3, 3, 23, 30, tzinfo=UTC)),
        (afternoon, datetime(2026, 3, 4, 14, 0, tzinfo=UTC)),
        (tonight_utc, datetime(2026, 3, 4, 23, 30, tzinfo=UTC)),
        (attended, datetime(2026, 3, 4, 14, 30, tzinfo=UTC)),
    ):
        referral = refer(case, legal, caseworker, "Motivo", None, "", NOW)
        referral.appointment_at = at
    advance(referral, ReferralStatus.ATTENDED, caseworker, "", NOW)
    db.session.commit()
    today = worklist(municipality.id, NOW)["today"]
    assert ids(today) == [early.id, afternoon.id]
    assert today[1].service == "Sportello legale Diritti"


def test_people_not_seen_for_thirty_days(db, municipality, create_case, clock):
    gone = create_case(first_name="Gone", last_seen_on=date(2026, 2, 1))
    create_case(first_name="Seen", last_seen_on=date(2026, 2, 5))  # 27 days
    closed = create_case(first_name="Closed", last_seen_on=date(2026, 1, 1))
    closed.status = IntakeStatus.CLOSED
    erased = create_case(first_name="Erased", last_seen_on=date(2026, 1, 1))
    erased.person.erased_at = NOW
    db.session.commit()
    (item,) = worklist(municipality.id, NOW)["not_seen"]
    assert (item.intake_id, item.first_name, item.since, item.days) == (
        gone.id, "Gone", date(2026, 2, 1), 31,
    )  # fmt: skip


def test_another_municipalitys_cases_stay_off_the_list(
    db, municipality, other_municipality, create_case, create_service, caseworker, clock
):
    theirs = create_case(municipality_id=other_municipality.id, last_seen_on=date(2026, 1, 1))
    service = create_service(municipality_id=other_municipality.id)
    refer_back(theirs, service, caseworker, 30)
    db.session.commit()
    assert worklist(municipality.id, NOW) == {"stale": [], "today": [], "not_seen": []}
    assert len(worklist(other_municipality.id, NOW)["not_seen"]) == 1


def test_the_worklist_page_links_each_case_and_shows_no_note(
    client, db, login_as, caseworker, create_case, legal, clock
):
    stale = create_case(first_name="Fatou", last_seen_on=date(2026, 1, 20))
    refer_back(stale, legal, caseworker, 20)
    today = create_case(first_name="Yusuf")
    referral = refer(today, legal, caseworker, "Segreto del motivo", None, "", NOW)
    referral.appointment_at = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    db.session.commit()
    login_as(caseworker)
    page = client.get("/cases").get_data(as_text=True)
    due = page.split('id="cases-heading"')[0]  # the worklist, before the list of cases
    assert due.count(f'href="/cases/{stale.id}"') == 2  # no news, and not seen
    assert f'href="/cases/{today.id}"' in page
    assert "Fatou" in page and "Yusuf" in page and "15:00" in page
    assert "nessuna notizia da 20 giorni" in page and "43 giorni fa" in page
    assert "Segreto del motivo" not in page and "esito riservato" not in page
