"""Inside right-to-left pages, what is written left to right stays so: every phone, code,
date and number input is dir="ltr" (core.forms.Form renders them so), phone numbers shown
as text are isolated left to right, and a "+33" in a hint keeps its "+" before the digits."""

from html.parser import HTMLParser

import pytest

from civic_app.core.forms import LTR_INPUT_MODES, LTR_INPUT_TYPES
from civic_app.core.permissions import Role
from tests.people.test_signup import prove_number


class Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.found.append(dict(attrs))


def left_to_right_inputs(body: str) -> list[dict]:
    parser = Inputs()
    parser.feed(body)
    return [
        attrs
        for attrs in parser.found
        if attrs.get("type") in LTR_INPUT_TYPES or attrs.get("inputmode") in LTR_INPUT_MODES
    ]


def assert_all_ltr(body: str, at_least: int) -> list[dict]:
    assert 'dir="rtl"' in body
    inputs = left_to_right_inputs(body)
    assert len(inputs) >= at_least
    wrong = [attrs.get("name") for attrs in inputs if attrs.get("dir") != "ltr"]
    assert wrong == []
    return inputs


def test_the_participants_forms_in_arabic(client, db, municipality):
    client.post_form("/language", {"lang": "ar"})
    phone = assert_all_ltr(client.get("/login/phone").get_data(as_text=True), 1)
    assert [i["name"] for i in phone] == ["phone"]
    prove_number(client, db, phone="+393471110009")
    signup = assert_all_ltr(client.get("/signup").get_data(as_text=True), 1)
    assert "birth_year" in [i["name"] for i in signup]


def test_the_code_form_in_arabic(client, db, municipality):
    client.post_form("/language", {"lang": "ar"})
    client.post_form("/login/phone", {"phone": "+393471110009"})
    inputs = assert_all_ltr(client.get("/login/code").get_data(as_text=True), 1)
    assert [i["name"] for i in inputs] == ["code"]


@pytest.mark.parametrize(
    ("url", "role", "grants", "names"),
    [
        ("/staff/projects/new", Role.STAFF, "", {"capacity", "start_date", "end_date"}),
        ("/staff/events/new", Role.STAFF, "", set()),
        ("/staff/participants/new", Role.STAFF, "", {"phone", "birth_year"}),
        ("/cases/new", Role.CASEWORKER, "", {"phone"}),
        ("/housing/dwellings/new", Role.STAFF, ",housing,", set()),
    ],
)
def test_staff_forms_in_arabic(client, login_as, create_user, url, role, grants, names):
    login_as(create_user(role, preferred_language="ar", grants=grants, profession="caseworker"))
    response = client.get(url)
    assert response.status_code == 200
    inputs = assert_all_ltr(response.get_data(as_text=True), max(len(names), 1))
    assert names <= {i["name"] for i in inputs}


def test_a_prefix_in_a_hint_stays_before_its_digits(client):
    body = client.get("/login/phone", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<bdi dir="ltr">+33</bdi>' in body


def test_phone_numbers_shown_as_text_are_isolated_left_to_right(client, login_as, create_user):
    staff = login_as(create_user(Role.STAFF, preferred_language="ar"))
    person = create_user(Role.PARTICIPANT, phone="+393471110009", municipality=staff.municipality)
    body = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert '<bdi dir="ltr">+39 347 111 0009</bdi>' in body
