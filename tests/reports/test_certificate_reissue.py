"""Issuing a certificate for hours already certified asks first, showing the overlap."""

from civic_app.reports.models import Certificate


def certificates_of(person):
    return Certificate.query.filter_by(participant_id=person.id).count()


def test_a_second_certificate_for_the_same_hours_warns_then_issues_on_confirm(
    client, login_as, known
):
    login_as(known.staff)
    person = known.people["A"]
    url = f"/staff/participants/{person.id}/certificates"
    assert client.post_form(url).status_code == 302  # the first one: no question
    first = Certificate.query.filter_by(participant_id=person.id).one()

    warning = client.post_form(url)
    page = warning.get_data(as_text=True)
    assert warning.status_code == 200
    assert certificates_of(person) == 1  # nothing issued yet
    assert "Queste ore sono già certificate" in page
    assert f"nel certificato n. {first.id}" in page
    assert "Parco Nord" in page and "4,75 ore" in page
    assert "15 gen 2026" in page  # the overlap's dates, in the page's format
    assert 'name="confirm" value="1"' in page

    confirmed = client.post_form(url, {"confirm": "1"})
    assert confirmed.status_code == 302
    assert certificates_of(person) == 2


def test_a_withdrawn_certificate_does_not_count_as_certified(client, login_as, known, db):
    login_as(known.staff)
    person = known.people["A"]
    url = f"/staff/participants/{person.id}/certificates"
    client.post_form(url)
    first = Certificate.query.filter_by(participant_id=person.id).one()
    client.post_form(f"/staff/certificates/{first.id}/revoke")
    assert client.post_form(url).status_code == 302  # issued at once, no warning
    assert certificates_of(person) == 2


def test_the_certificate_page_names_the_language_and_shows_local_dates(client, login_as, known):
    login_as(known.staff)
    person = known.people["A"]
    person.preferred_language = "en"
    page = client.get(f"/staff/participants/{person.id}/certificates").get_data(as_text=True)
    assert "Il certificato sarà in italiano e in: Inglese." in page
    assert "EN." not in page
    assert "2026-01-15" not in page and "15 gen 2026" in page
