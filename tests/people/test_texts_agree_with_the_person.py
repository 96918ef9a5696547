"""Italian texts about a person agree with their recorded sex, and are neutral otherwise."""

import pytest

from civic_app.core.accounts import User
from civic_app.core.permissions import Role

FORMS = {
    "female": "Non sei ancora iscritta a un progetto.",
    "male": "Non sei ancora iscritto a un progetto.",
    None: "Non partecipi ancora a un progetto.",
}


@pytest.mark.parametrize(
    ("sex", "expected"),
    [("female", "female"), ("male", "male"), ("other", None), ("undisclosed", None), (None, None)],
)
def test_the_home_page_speaks_to_a_woman_a_man_or_anyone_in_their_own_terms(
    client, login_as, create_participant, sex, expected
):
    login_as(create_participant(first_name="Amina", sex=sex))
    page = client.get("/me").get_data(as_text=True)
    assert FORMS[expected] in page
    for other, text in FORMS.items():
        if other != expected:
            assert text not in page


def test_the_welcome_page_welcomes_without_guessing(client, login_as, create_user):
    assert "<title>Ti diamo il benvenuto" in client.get("/").get_data(as_text=True)
    # Staff are welcomed on the page of what needs them today, where `/` sends them.
    login_as(create_user(Role.STAFF, sex="female"))
    assert "<title>Benvenuta" in client.get("/", follow_redirects=True).get_data(as_text=True)
    login_as(create_user(Role.STAFF, sex="male"))
    assert "<title>Benvenuto" in client.get("/", follow_redirects=True).get_data(as_text=True)
    login_as(create_user(Role.STAFF))
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "<title>Ti diamo il benvenuto" in page


def assisted_paper_sign_up(client, sex):
    data = {
        "first_name": "Amina",
        "last_name": "Diallo",
        "language": "fr",
        "sectors": ["care"],
        "referral_source": "one_stop_shop",
        "programme_consent": "y",
        "consent_method": "paper",
        "birth_year": "1990",
    }
    if sex:
        data["sex"] = sex
    return client.post_form("/staff/participants/new", data, follow_redirects=True)


@pytest.mark.parametrize(
    ("sex", "flash"),
    [
        ("female", "Amina: registrata con il consenso su carta."),
        ("male", "Amina: registrato con il consenso su carta."),
        ("undisclosed", "Iscrizione di Amina registrata con il consenso su carta."),
        (None, "Iscrizione di Amina registrata con il consenso su carta."),
    ],
)
def test_staff_read_that_the_person_they_registered_is_registrata_or_registrato(
    client, login_as, staff, db, sex, flash
):
    login_as(staff)
    page = assisted_paper_sign_up(client, sex).get_data(as_text=True)
    assert flash in page
    assert db.session.scalar(db.select(User.sex).where(User.first_name == "Amina")) == sex


def test_by_sex_needs_a_recorded_female_or_male_to_choose_a_gendered_form():
    from civic_app.core.i18n import by_sex

    forms = {"female": "aggiunta", "male": "aggiunto", "neutral": "aggiunta al progetto: sì"}
    assert by_sex("female", **forms) == "aggiunta"
    assert by_sex(User(sex="male"), **forms) == "aggiunto"
    for unknown in ("other", "undisclosed", None, User()):
        assert by_sex(unknown, **forms) == "aggiunta al progetto: sì"
