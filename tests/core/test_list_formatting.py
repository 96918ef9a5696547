"""Lists read as each language writes them (Babel's CLDR patterns): "a, b e c" in Italian,
"a وb وc" in Arabic, "a، b، اور c" in Urdu; on pages in the page's language."""

import re

from civic_app.core.i18n import format_list, join_list
from civic_app.core.permissions import Role


def test_each_language_joins_a_list_its_own_way():
    items = ["uno", "due", "tre"]
    assert format_list(items, "it") == "uno, due e tre"
    assert format_list(items, "en") == "uno, due, and tre"
    assert format_list(items, "fr") == "uno, due et tre"
    assert format_list(items, "ar") == "uno وdue وtre"
    assert format_list(items, "ur") == "uno، due، اور tre"
    assert format_list(["solo"], "ar") == "solo"
    assert format_list([], "ar") == ""


def test_the_page_language_is_the_default(app):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert format_list(["أ", "ب"]) == "أ وب"


def test_the_filter_escapes_the_items_and_keeps_their_markup(app):
    from markupsafe import Markup

    with app.test_request_context(headers={"Accept-Language": "it"}):
        assert join_list(["<b>", Markup('<span lang="ar">ع</span>')]) == (
            '&lt;b&gt; e <span lang="ar">ع</span>'
        )


def test_a_project_page_in_arabic_lists_the_tutors_languages_in_arabic(client, create_project, db):
    project = create_project(languages=",it,en,fr,")
    body = client.get(f"/projects/{project.id}", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    spans = r'<span lang="(\w\w)">[^<]+</span>'
    listed = re.search(f"{spans}(.*?){spans}(.*?){spans}", body)
    assert listed, "the three languages, one after another"
    assert listed.group(2) == " و" and listed.group(4) == " و"
    italian = client.get(f"/projects/{project.id}", headers={"Accept-Language": "it"})
    assert re.search(f"{spans}, {spans} e {spans}", italian.get_data(as_text=True))


def test_a_participants_vulnerabilities_are_listed_in_the_pages_language(
    app, client, login_as, create_user, db
):
    from civic_app.core.demographics import VULNERABILITY_LABELS
    from civic_app.people.operations import set_vulnerabilities

    staff = login_as(create_user(Role.STAFF, preferred_language="ar"))
    person = create_user(Role.PARTICIPANT, municipality=staff.municipality)
    set_vulnerabilities(person, ["trafficking_victim", "disability"])
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        first, second = (str(VULNERABILITY_LABELS[c]) for c in ("trafficking_victim", "disability"))
    assert first != "Vittima di tratta"  # the Arabic catalog is compiled
    body = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert f"<dd>{first} و{second}</dd>" in body


def test_dates_written_with_a_comma_take_the_arabic_comma_on_arabic_pages(app):
    from datetime import UTC, datetime

    from flask_babel import refresh

    when = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)  # 09:00 in Rome
    template = app.jinja_env.from_string("{{ when|datetime('EEEE d MMMM, HH:mm') }}")
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        arabic = template.render(when=when)
        named = app.jinja_env.from_string("{{ when|date_format('long') }}").render(when=when)
    with app.test_request_context(headers={"Accept-Language": "it"}):
        refresh()  # the locale is kept for the app context the fixture holds
        italian = template.render(when=when)
    assert arabic.endswith("، 09:00") and "," not in arabic
    assert "2026" in named
    assert italian == "martedì 8 dicembre, 09:00"


def test_a_sentence_in_two_parts_takes_the_page_languages_comma(app):
    from flask_babel import refresh

    from civic_app.core.i18n import comma

    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert comma() == "، "
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        refresh()
        assert comma() == ", "
