"""SMS in Spanish, Bengali, Urdu and Ukrainian too (issue 11, point 3): texts, keywords,
the sign-up menu, a participant's SMS language, and what each text costs."""

import re
import string
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from civic_app.conversation.keywords import KEYWORDS, keyword, normalize
from civic_app.conversation.signup import LANGUAGE_MENU
from civic_app.core.accounts import Consent, User
from civic_app.core.consent import consent_text
from civic_app.core.permissions import Role
from civic_app.plans.reminders import sweep
from civic_app.projects.forms import SPOKEN_LANGUAGES
from civic_app.projects.models import EnrolmentStatus
from civic_app.sms.models import Direction, Message
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import (
    MULTILINGUAL,
    SMS_LANGUAGES,
    TEMPLATES,
    render_sms,
    sms_number,
    sms_when,
    typical_values,
)

NEW_LANGUAGES = ("es", "bn", "ur", "uk")


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conv in string.Formatter().parse(text) if field}


def test_the_sms_languages_are_the_spoken_languages_of_the_project_form():
    assert tuple(code for code, _name in SPOKEN_LANGUAGES) == SMS_LANGUAGES


@pytest.mark.parametrize("name", sorted(set(TEMPLATES) - MULTILINGUAL))
def test_every_template_has_all_eight_languages_with_the_italian_placeholders(name):
    texts = TEMPLATES[name]
    assert set(texts) == set(SMS_LANGUAGES)
    for language in SMS_LANGUAGES:
        assert placeholders(texts[language]) == placeholders(texts["it"]), language
        assert language == "it" or texts[language] != texts["it"], language


@pytest.mark.parametrize(
    ("language", "script"),
    [("bn", r"[\u0980-\u09FF]"), ("ur", r"[\u0600-\u06FF]"), ("uk", r"[\u0400-\u04FF]")],
)
def test_texts_are_written_in_their_own_script(language, script):
    for name, texts in TEMPLATES.items():
        if name not in MULTILINGUAL:
            assert re.search(script, texts[language]), name


def test_the_sign_up_menu_offers_every_language_in_its_own_script_and_stays_short():
    menu = TEMPLATES["signup_language"]["it"]
    for number, (code, own_name) in enumerate(SPOKEN_LANGUAGES, start=1):
        assert f"{number} {own_name}" in menu
        assert LANGUAGE_MENU[str(number)] == code
    assert count_segments(menu).segments <= 2


def test_no_word_means_two_keywords():
    meanings = defaultdict(set)
    for name, words in KEYWORDS.items():
        for word in words:
            assert normalize(word), word
            meanings[normalize(word)].add(name)
    assert {word: names for word, names in meanings.items() if len(names) > 1} == {}


REAL_WORDS = [
    # Spanish
    ("BAJA", "stop"), ("parar", "stop"), ("Ayuda", "help"), ("unirme", "join"),
    ("Inscribir", "join"), ("siguiente", "next"), ("Próximo", "next"), ("horas", "hours"),
    ("Sí", "yes"), ("si", "yes"), ("No", "no"), ("saltar", "skip"), ("empezar", "start"),
    # Bengali, as a Bengali keyboard types it (vowel signs, virama, candrabindu)
    ("বন্ধ", "stop"), ("শুরু", "start"), ("সাহায্য", "help"), ("যোগ", "join"),
    ("পরবর্তী", "next"), ("পরের", "next"), ("ঘণ্টা", "hours"), ("ঘন্টা", "hours"),
    ("হ্যাঁ", "yes"), ("হ্যা", "yes"), ("না", "no"), ("বাদ", "skip"),
    ("১", "yes"), ("২", "no"),  # Bengali digits
    # Urdu, on an Urdu keyboard and on an Arabic one
    ("بند", "stop"), ("شروع", "start"), ("مدد", "help"), ("شامل", "join"),
    ("اگلا", "next"), ("گھنٹے", "hours"), ("گهنٹے", "hours"), ("ہاں", "yes"),
    ("جی ہاں", "yes"), ("نہیں", "no"), ("نهیں", "no"), ("چھوڑیں", "skip"), ("۱", "yes"),
    # Ukrainian
    ("СТОП", "stop"), ("старт", "start"), ("Допомога", "help"), ("запис", "join"),
    ("далі", "next"), ("Наступний", "next"), ("години", "hours"), ("Так", "yes"),
    ("ні", "no"), ("пропустити", "skip"), ("Так, прийду", None),
]  # fmt: skip


@pytest.mark.parametrize(("body", "word"), REAL_WORDS)
def test_keywords_are_recognised_in_the_new_languages(body, word):
    assert keyword(body) == word


def test_normalize_keeps_bengali_vowel_signs_and_drops_latin_and_arabic_marks():
    assert normalize("হ্যাঁ") == "হ্যাঁ"  # nothing dropped: every mark is part of the word
    assert normalize("না") != normalize("ন")
    assert normalize("কি") != normalize("কী")  # two different vowels, two different words
    assert normalize("হ্\u200dযাঁ") == normalize("হ্যাঁ")  # a zero-width joiner joins nothing
    assert normalize("  ArRÊT!! ") == "arret"
    assert normalize("مُسَاعَدَة") == normalize("مساعده")
    assert normalize("Наступний!") == normalize("наступний")
    assert normalize("১৯৯০") == "1990"


def test_dates_and_numbers_are_written_in_the_sms_language(app):
    saturday = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)  # 09:00 in Rome
    with app.app_context():
        assert sms_when(saturday, "es") == "sab 14/03 09:00"  # "sáb" would cost UCS-2
        assert sms_when(saturday, "bn") == "শনি 14/03 09:00"
        assert sms_when(saturday, "ur") == "ہفتہ 14/03 09:00"
        assert sms_when(saturday, "uk") == "сб 14/03 09:00"
        assert sms_when(saturday, "xx") == "sab 14/03 09:00"  # unknown: Italian
        assert sms_number(12.5, "uk") == "12,5" and sms_number(12.5, "bn") == "12.5"


# A participant whose language is one of the new ones gets every SMS in it.


def last_out(db, phone):
    return db.session.scalar(
        db.select(Message)
        .where(Message.phone == phone, Message.direction == Direction.OUT)
        .order_by(Message.id.desc())
    )


def as_pattern(template: str, language: str) -> re.Pattern:
    """The template with any value in place of its placeholders."""
    parts = re.split(r"\{\w+\}", TEMPLATES[template][language])
    return re.compile(".+?".join(re.escape(part) for part in parts) + r"\Z", re.S)


@pytest.mark.parametrize("language", NEW_LANGUAGES)
def test_the_login_code_comes_in_the_participants_language(
    client, db, create_participant, language
):
    person = create_participant(preferred_language=language)
    client.post_form("/login/phone", {"phone": person.phone})
    message = last_out(db, person.phone)
    assert message.kind == "login_code"
    assert as_pattern("login_code", language).match(message.body), message.body
    assert re.search(r"\b\d{6}\b", message.body)


@pytest.mark.parametrize("language", NEW_LANGUAGES)
def test_the_reminder_comes_in_the_participants_language(
    app, db, project, add_session, create_participant, enrol, language
):
    person = create_participant(preferred_language=language)
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    noon = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    session = add_session(project, noon + timedelta(hours=20))
    with app.test_request_context():
        assert sweep(noon)["reminders"] == 1
        when = sms_when(session.starts_at, language)
    message = last_out(db, person.phone)
    assert message.body == render_sms(
        "reminder", language, when=when, project=project.title, place=project.place or "-"
    )
    if language == "es":
        assert count_segments(message.body).encoding == "GSM-7"
    assert count_segments(message.body).segments <= (1 if language == "es" else 2)


@pytest.mark.parametrize(
    ("language", "help_word", "hours_word"),
    [("es", "ayuda", "horas"), ("bn", "সাহায্য", "ঘণ্টা"), ("ur", "مدد", "گھنٹے"),
     ("uk", "допомога", "години")],
)  # fmt: skip
def test_conversation_replies_come_in_the_participants_language(
    text, db, create_participant, language, help_word, hours_word
):
    person = create_participant(preferred_language=language)
    text(person.phone, help_word)
    assert last_out(db, person.phone).body == render_sms("help", language)
    text(person.phone, hours_word)  # no plan yet: the hours, and that the plan is not signed
    assert as_pattern("hours_no_plan", language).match(last_out(db, person.phone).body)
    text(person.phone, "Italiano? boh")  # not understood: passed to staff, in their language
    assert last_out(db, person.phone).body == render_sms("passed_to_staff", language)


def test_a_whole_sign_up_by_sms_in_bengali(text, db, municipality, clock):
    phone = "+8801712345670"
    text(phone, "যোগ")  # JOIN in Bengali
    assert "6 বাংলা" in last_out(db, phone).body
    text(phone, "৬")  # typed on a Bengali keyboard
    assert last_out(db, phone).body == TEMPLATES["signup_name"]["bn"]
    text(phone, "Rahim Uddin")
    assert last_out(db, phone).body == TEMPLATES["signup_municipality"]["bn"]
    text(phone, "Roma")
    assert last_out(db, phone).body == TEMPLATES["signup_sector"]["bn"]
    text(phone, "১ ও ৩")
    assert last_out(db, phone).body == TEMPLATES["signup_birth_year"]["bn"]
    text(phone, "বাদ")  # SKIP
    confirm = last_out(db, phone).body
    assert confirm == render_sms("signup_confirm", "bn", name="Rahim Uddin", municipality="Roma")
    text(phone, "হ্যাঁ")
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    assert user.preferred_language == "bn" and user.sector_codes == ["green", "safety"]
    consent = db.session.scalar(
        db.select(Consent).where(Consent.user_id == user.id, Consent.purpose == "programme")
    )
    assert consent.text == confirm and consent.language == "bn"
    assert last_out(db, phone).body == render_sms("signup_done", "bn", name="Rahim")


def test_a_sign_up_by_sms_in_ukrainian_and_urdu_start_with_their_menu_number(
    text, db, municipality
):
    for phone, number, language in (("+380501234567", "8", "uk"), ("+923001234567", "۷", "ur")):
        text(phone, "JOIN")
        text(phone, number)
        assert last_out(db, phone).body == TEMPLATES["signup_name"][language]


# The web: an SMS language the pages do not have.


def test_a_participant_choosing_bengali_gets_pages_and_sms_in_bengali(
    client, db, login_as, create_participant
):
    """Since issue 22 the pages speak all eight SMS languages: one language for both."""
    person = login_as(create_participant(preferred_language="en"))
    page = client.get("/me/profile").get_data(as_text=True)
    assert '<option value="bn">বাংলা</option>' in page
    response = client.post_form(
        "/me/profile", {"language": "bn", "sex": "", "birth_year": "", "citizenship": ""}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.preferred_language == "bn"
    page = client.get("/me/profile").get_data(as_text=True)
    assert '<html lang="bn" dir="ltr"' in page
    assert '<option selected value="bn">' in page
    # The footer's switcher changes the account's language, so the SMS follow.
    client.post_form("/language", {"lang": "fr", "next": "/me/profile"})
    db.session.refresh(person)
    assert person.preferred_language == "fr"
    assert '<html lang="fr"' in client.get("/me/profile").get_data(as_text=True)


def test_a_web_sign_up_in_urdu_keeps_the_consent_text_that_was_shown(app, client, db, municipality):
    phone = "+393471239999"
    client.post_form("/login/phone", {"phone": phone})
    code = re.search(r"\d{6}", last_out(db, phone).body).group(0)
    client.post_form("/login/code", {"code": code})
    page = client.get("/signup", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<option value="ur">اردو</option>' in page
    response = client.post_form(
        "/signup",
        {"first_name": "Ali", "language": "ur", "municipality": "roma", "sectors": ["care"],
         "programme_consent": "y", "sms_consent": "y"},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    assert user.preferred_language == "ur"
    programme = db.session.scalar(
        db.select(Consent).where(Consent.user_id == user.id, Consent.purpose == "programme")
    )
    with app.test_request_context():
        shown = consent_text("programme", "ur")  # the Urdu catalog's text (Italian if empty)
    assert programme.language == "ur" and programme.text == shown
    assert '<html lang="ur" dir="rtl"' in client.get("/me").get_data(as_text=True)


# "Segment counts shown": the staff page and the command.


def test_staff_see_what_every_template_costs(client, login_as, staff):
    login_as(staff)
    assert 'href="/staff/sms/templates"' in client.get("/staff/inbox").get_data(as_text=True)
    page = client.get("/staff/sms/templates").get_data(as_text=True)
    row = re.search(r'<tr id="reminder-bn">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    text = TEMPLATES["reminder"]["bn"].format(**typical_values("bn"))
    counted = count_segments(text)
    assert cells[1] == "বাংলা" and cells[2] == "UCS-2"
    assert cells[3:6] == [str(len(text)), str(counted.segments), "2"]
    assert cells[6] == text
    for language in SMS_LANGUAGES:
        assert f'id="login_code-{language}"' in page
    assert "Tutti i testi rientrano nel budget." in page and "oltre il budget</span>" not in page


def test_a_text_over_budget_is_highlighted(client, login_as, staff, monkeypatch):
    monkeypatch.setitem(TEMPLATES, "rsvp_yes", TEMPLATES["rsvp_yes"] | {"es": "¡Gracias, sí!"})
    login_as(staff)
    page = client.get("/staff/sms/templates").get_data(as_text=True)
    row = re.search(r'<tr id="rsvp_yes-es">(.*?)</tr>', page, re.S).group(1)
    assert "UCS-2" in row and "oltre il budget" in row  # one accent would double the cost
    assert "1 testo oltre il budget." in page


def test_only_staff_see_the_template_costs(client, login_as, create_participant, create_user):
    assert client.get("/staff/sms/templates").status_code == 302  # to the login page
    login_as(create_participant())
    assert client.get("/staff/sms/templates").status_code == 403
    login_as(create_user(Role.TUTOR))
    assert client.get("/staff/sms/templates").status_code == 403


def test_the_command_prints_the_same_counts(app):
    output = app.test_cli_runner().invoke(args=["sms", "templates"]).output
    for language in NEW_LANGUAGES:
        text = TEMPLATES["reminder"][language].format(**typical_values(language))
        counted = count_segments(text)
        expected = [counted.encoding, str(len(text)), str(counted.units), str(counted.segments)]
        line = next(x for x in output.splitlines() if x.split()[:2] == ["reminder", language])
        assert line.split()[2:6] == expected
