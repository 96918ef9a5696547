from datetime import UTC, datetime

from civic_app.core.permissions import Role
from civic_app.projects.models import Enrolment, EnrolmentStatus, ProjectStatus, Sector


def fill(db, project, participants, status=EnrolmentStatus.ACCEPTED):
    for person in participants:
        db.session.add(
            Enrolment(
                project_id=project.id,
                participant_id=person.id,
                municipality_id=project.municipality_id,
                status=status,
                requested_at=datetime(2026, 2, 1, tzinfo=UTC),
            )
        )
    db.session.commit()


def titles(client, query=""):
    body = client.get(f"/projects{query}").get_data(as_text=True)
    return body


def test_the_marketplace_lists_published_projects_only(client, create_project):
    create_project(title="Visibile")
    create_project(title="Bozza segreta", status=ProjectStatus.DRAFT)
    body = titles(client)
    assert "Visibile" in body and "Bozza segreta" not in body
    assert "1 progetto trovato" in body


def test_filters_by_municipality_sector_language_and_text(
    client, create_project, other_municipality
):
    create_project(title="Parco Roma", sector=Sector.GREEN, languages=",it,ar,")
    create_project(
        title="Anziani Milano",
        sector=Sector.CARE,
        municipality_id=other_municipality.id,
        translations={"en": {"title": "Elderly care", "description": "Visits"}},
    )
    assert "Anziani Milano" not in titles(client, "?municipality=roma")
    assert "Parco Roma" in titles(client, "?municipality=roma")
    assert "Parco Roma" not in titles(client, "?sector=care")
    assert "Anziani Milano" in titles(client, "?sector=care")
    assert "Parco Roma" in titles(client, "?language=ar")
    assert "Anziani Milano" not in titles(client, "?language=ar")
    assert "Anziani Milano" in titles(client, "?q=elderly")
    assert "Parco Roma" not in titles(client, "?q=elderly")


def test_filters_by_dates_weekday_and_places_left(
    client, db, create_project, create_participant, add_session, clock
):
    tuesday = create_project(title="Martedì pieno", capacity=1)
    friday = create_project(title="Venerdì libero")
    add_session(tuesday, datetime(2026, 3, 10, 8, tzinfo=UTC))  # Tue 10 March, 09:00 Rome
    add_session(friday, datetime(2026, 3, 20, 8, tzinfo=UTC))  # Fri 20 March
    fill(db, tuesday, [create_participant()])
    assert "Venerdì libero" not in titles(client, "?weekday=1")
    assert "Martedì pieno" in titles(client, "?weekday=1")
    assert "Martedì pieno" not in titles(client, "?places_left=y")
    assert "Venerdì libero" in titles(client, "?places_left=y")
    in_range = titles(client, "?date_from=2026-03-15&date_to=2026-03-31")
    assert "Venerdì libero" in in_range and "Martedì pieno" not in in_range


def test_bad_filters_are_explained_not_a_500(client, create_project):
    create_project()
    for query in ("?date_from=yesterday", "?sector=moon", "?weekday=9", "?page=-4", "?page=x"):
        response = client.get(f"/projects{query}")
        assert response.status_code == 200, query


def test_results_are_paginated_with_shareable_urls(client, create_project):
    for n in range(15):
        create_project(title=f"Progetto {n:02d}", sector=Sector.SAFETY)
    first = titles(client, "?sector=safety")
    assert "Pagina 1 di 2" in first
    assert 'href="/projects?page=2&amp;sector=safety"' in first
    second = titles(client, "?sector=safety&page=2")
    assert "Progetto 14" in second and "Progetto 00" not in second


def test_the_page_shows_places_left_and_the_next_session(
    client, db, create_project, create_participant, add_session, clock
):
    project = create_project(capacity=3)
    add_session(project, datetime(2026, 3, 10, 8, tzinfo=UTC))
    fill(db, project, [create_participant()])
    body = titles(client)
    assert "2 posti liberi" in body
    assert "martedì 10 marzo, 09:00" in body


def test_the_marketplace_runs_a_fixed_number_of_queries(
    count_queries, db, create_project, create_participant, add_session, clock
):
    create_project()
    small = count_queries("/projects?places_left=y")
    for n in range(11):
        project = create_project(title=f"P{n}")
        add_session(project, datetime(2026, 3, 10 + n % 5, 8, tzinfo=UTC))
        fill(db, project, [create_participant()])
    assert count_queries("/projects?places_left=y") == small


def test_a_project_page_shows_what_a_participant_needs(
    client, create_project, add_session, clock, db
):
    project = create_project(
        what_to_bring="Scarpe comode",
        meeting_point="Cancello nord",
        latitude=41.9,
        longitude=12.5,
        languages=",ar,it,",
        translations={"ar": {"title": "العناية بالحديقة", "description": "ننظف الحديقة"}},
    )
    add_session(project, datetime(2026, 3, 10, 8, tzinfo=UTC))
    cancelled = add_session(project, datetime(2026, 3, 12, 8, tzinfo=UTC), status="cancelled")
    body = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for text in (
        "Scarpe comode",
        "Cancello nord",
        "openstreetmap.org/?mlat=41.9",
        "10 posti liberi",
    ):
        assert text in body
    assert "<script" not in body
    assert cancelled.status == "cancelled"
    assert body.count("<strong>annullato</strong>") == 1
    arabic = client.get(f"/projects/{project.id}", headers={"Accept-Language": "ar"}).get_data(
        as_text=True
    )
    assert "العناية بالحديقة" in arabic and 'dir="rtl"' in arabic


def test_unknown_projects_are_404(client):
    assert client.get("/projects/999999").status_code == 404


def test_participant_pages_need_no_javascript(client, create_project, login_as, create_user):
    project = create_project()
    login_as(create_user(Role.PARTICIPANT))
    for url in ("/projects", f"/projects/{project.id}", "/me/calendar"):
        assert "<script" not in client.get(url).get_data(as_text=True)


def test_the_filter_form_is_rendered_once_per_language_and_query(
    app, client, create_project, create_municipality
):
    from flask import template_rendered

    from civic_app.projects import views

    views._FILTERS_HTML.clear()
    create_project(title="Orti")
    rendered = []

    def count(_app, template, context, **_extra):
        if template.name == "projects/_filters.html":
            rendered.append(template.name)

    with template_rendered.connected_to(count, app):
        first = client.get("/projects").get_data(as_text=True)
        second = client.get("/projects").get_data(as_text=True)
        assert len(rendered) == 1
        filters = first[first.index('<div class="filters"') : first.index("</form>")]
        assert filters in second and 'name="q"' in filters
        client.get("/projects?sector=green")
        client.get("/projects?sector=green")
        assert len(rendered) == 2  # a new query, then the same again
        create_municipality(slug="trieste", name="Trieste")
        page = client.get("/projects").get_data(as_text=True)
        assert len(rendered) == 3 and 'value="trieste"' in page  # a new list, a new form
        for _ in range(2):  # an invalid query shows its errors and is not kept
            bad = client.get("/projects?date_from=not-a-date")
            assert bad.status_code == 200
        assert len(rendered) == 5
        french = client.get("/projects", headers={"Accept-Language": "fr"})
        assert len(rendered) == 6  # the same query in another language
    assert 'lang="fr"' in french.get_data(as_text=True)
    views._FILTERS_HTML.clear()
