"""Requests no browser filling our forms would send: a file where a text field is, a body
of many megabytes, a value longer than its field, a date ten thousand years away. Each is
a clear message (on the form, or a 4xx page in the person's language), never a 500, and
nothing is saved."""

import io

import pytest

from civic_app.core.permissions import Role
from civic_app.projects.models import Project
from civic_app.sms.models import LoginCode, Message

FAR_DATES = ["9999-12-31", "0001-01-01"]
FAR_DATE_MESSAGE = "Scegli una data tra il 2000 e il 2100."


def file_part(content: bytes = b"x" * 100, name: str = "x.txt"):
    return (io.BytesIO(content), name)


# -- a file where a text field is ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "fields", "as_file"),
    [
        ("/login/phone", {}, "phone"),
        ("/login", {"password": "whatever"}, "email"),
        ("/login", {"email": "a@example.org"}, "password"),
        ("/language", {"next": "/"}, "lang"),
    ],
)
def test_a_file_in_place_of_a_field_is_a_clear_400(client, db, url, fields, as_file):
    data = {"csrf_token": client.csrf_token(), **fields, as_file: file_part()}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "un file al posto di un testo" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(LoginCode)) is None


def test_a_file_in_place_of_a_field_of_a_staff_form_is_a_clear_400(client, login_as, staff, db):
    login_as(staff)
    data = {"csrf_token": client.csrf_token(), "name": file_part(), "address": "Via Roma 1"}
    response = client.post("/staff/venues/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "un file al posto di un testo" in response.get_data(as_text=True)


def test_a_file_the_form_does_not_have_is_ignored(client, create_participant, db):
    create_participant(phone="+393471112233")
    data = {"csrf_token": client.csrf_token(), "phone": "+393471112233", "other": file_part()}
    response = client.post("/login/phone", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and response.location == "/login/code"


@pytest.mark.parametrize(
    "body", ['{"phone": 393471112233}', '{"phone": {"a": 1}}', "[1, 2]", '"x"']
)
def test_a_json_body_that_is_no_form_is_a_400(client, db, body):
    # With the CSRF token in its header, the body reaches the form.
    headers = {"X-CSRFToken": client.csrf_token()}
    response = client.post(
        "/login/phone", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(LoginCode)) is None


# -- too much ---------------------------------------------------------------------------------


def test_a_body_of_megabytes_is_a_413_page_in_the_persons_language(client, app, db):
    with client.session_transaction() as session:
        session["lang"] = "en"
    token = client.csrf_token()
    response = client.post("/login/phone", data={"csrf_token": token, "phone": "9" * 20_000_000})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert '<html lang="en"' in page and "The data you sent is too large." in page
    assert "9" * 1000 not in page
    assert db.session.scalar(db.select(LoginCode)) is None
    assert app.config["MAX_CONTENT_LENGTH"] <= 2 * 1024 * 1024


def test_the_largest_real_form_goes_through(client, login_as, staff, db):
    # A project with every text field as long as it may be, in Arabic: two bytes a
    # letter, six characters once percent-encoded.
    login_as(staff)
    data = {"sector": "green", "capacity": "10", "min_age": "18", "start_date": "2026-03-01",
            "end_date": "2026-06-30", "venue_id": "0", "address": "ع" * 255,
            "meeting_point": "ع" * 255, "what_to_bring": "ع" * 2000,
            "accessibility": "ع" * 2000}  # fmt: skip
    for suffix in ("", "_en", "_fr", "_ar"):
        data[f"title{suffix}"] = "ع" * 160
        data[f"description{suffix}"] = "ع" * 5000
    response = client.post_form("/staff/projects/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert db.session.scalar(db.select(Project.title)) == "ع" * 160


def test_a_value_longer_than_its_field_is_refused_and_not_shown_back(client, db):
    response = client.post_form("/login/phone", {"phone": "+39" + "3" * 500_000})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "3" * 40 not in page  # the field holds 32 characters at most, and shows no more
    assert db.session.scalar(db.select(Message)) is None


def test_a_long_code_is_not_shown_back(client, create_participant):
    create_participant(phone="+393471112233")
    client.post_form("/login/phone", {"phone": "+393471112233"})
    response = client.post_form("/login/code", {"code": "7" * 100_000})
    assert response.status_code == 200
    assert "7" * 300 not in response.get_data(as_text=True)


# -- dates no calendar of ours has ------------------------------------------------------------


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_a_far_date_in_the_marketplace_filters_is_a_message(client, project, day, name):
    response = client.get("/projects", query_string={name: day})
    assert response.status_code == 200
    assert FAR_DATE_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize(
    "query",
    [
        lambda d: {"date_from": d},
        lambda d: {"date_to": d},
        lambda d: {"date_from": d, "date_to": d},
    ],
)
@pytest.mark.parametrize(
    ("who", "url"),
    [
        (Role.STAFF, "/staff/reports"),
        (Role.STAFF, "/staff/reports/fund.csv"),
        (Role.STAFF, "/staff/reports/fund.xlsx"),
        (Role.STAFF, "/staff/reports/participants.csv"),
        (Role.COORDINATOR, "/network"),
        (Role.COORDINATOR, "/network/fund.csv"),
        (Role.COORDINATOR, "/network/fund.xlsx"),
    ],
)
def test_a_far_date_in_a_report_or_an_export_is_no_server_error(
    client, login_as, create_user, who, url, query, day
):
    login_as(create_user(who))
    response = client.get(url, query_string=query(day))
    assert response.status_code < 500, response.status_code
    if response.mimetype == "text/html":
        assert FAR_DATE_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "10000-01", "0000-01"])
def test_a_far_month_in_the_attendance_export_is_a_400(client, login_as, staff, project, month):
    login_as(staff)
    response = client.get(
        "/staff/attendance/export.csv", query_string={"project": project.id, "month": month}
    )
    assert response.status_code == 400
