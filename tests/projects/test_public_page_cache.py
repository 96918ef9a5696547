"""The marketplace and the project pages anonymous visitors see are kept for
PUBLIC_PAGE_SECONDS and revalidated, and nothing personal is ever kept or shared."""

import pytest

from civic_app.core.public_pages import page_cache

TTL = 30


@pytest.fixture
def cached(app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_SECONDS", TTL)
    return clock


def test_an_anonymous_page_is_served_again_without_sql(cached, client, project, statements):
    url = f"/projects/{project.id}"  # read now: the test's object is expired after a request
    first = client.get(url)
    assert first.status_code == 200
    with statements() as seen:
        again = client.get(url)
        listed = client.get("/projects")
        listed_again = client.get("/projects")
    assert again.get_data() == first.get_data()
    assert listed_again.get_data() == listed.get_data()
    assert seen  # the marketplace's first render
    with statements() as seen:
        assert client.get(url).status_code == 200
        assert client.get("/projects").status_code == 200
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert seen == []


def test_headers_of_a_shared_page(cached, client, project):
    response = client.get(f"/projects/{project.id}")
    assert response.headers["Cache-Control"] == f"public, max-age={TTL}"
    assert set(response.headers["Vary"].replace(" ", "").split(",")) >= {
        "Cookie",
        "Accept-Language",
    }
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert "Set-Cookie" not in response.headers
    body = response.get_data(as_text=True)
    assert "csrf" not in body  # neither the meta tag nor the language switch's token
    assert "nonce" not in response.headers["Content-Security-Policy"]
    cached.advance(seconds=10)
    assert client.get(f"/projects/{project.id}").headers["Cache-Control"] == (
        f"public, max-age={TTL - 10}"
    )  # a proxy keeps it no longer than this process does


def test_matching_if_none_match_and_if_modified_since_answer_304(cached, client, project):
    url = f"/projects/{project.id}"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_logged_in_visitor_never_gets_nor_stores_the_shared_page(
    cached, client, project, login_as, create_participant
):
    anonymous = client.get(f"/projects/{project.id}")
    login_as(create_participant())
    own = client.get(f"/projects/{project.id}")
    assert own.get_data() != anonymous.get_data()
    assert "Chiedi di partecipare" in own.get_data(as_text=True)
    assert own.headers["Cache-Control"] == "no-store"
    assert "ETag" not in own.headers
    # Nor what a logged-in person sees is ever kept: a fresh cache, then their page first.
    page_cache().clear()
    client.get("/projects")
    client.get(f"/projects/{project.id}")
    assert len(page_cache()) == 0


def test_a_flash_message_is_never_cached(cached, client, project):
    with client.session_transaction() as session:
        session["_flashes"] = [("error", "Messaggio per una persona")]
    flashed = client.get(f"/projects/{project.id}")
    assert "Messaggio per una persona" in flashed.get_data(as_text=True)
    assert flashed.headers["Cache-Control"] == "no-store"
    assert len(page_cache()) == 0
    after = client.get(f"/projects/{project.id}")
    assert "Messaggio per una persona" not in after.get_data(as_text=True)
    assert after.headers["Cache-Control"].startswith("public")


def test_a_session_holding_anything_else_is_not_served_the_shared_page(cached, client, project):
    client.get(f"/projects/{project.id}")
    with client.session_transaction() as session:
        session["next_step"] = "something of this visitor's"
    response = client.get(f"/projects/{project.id}")
    assert response.headers["Cache-Control"] == "no-store"


def test_languages_are_kept_apart(cached, client, project):
    italian = client.get(f"/projects/{project.id}")
    french = client.get(f"/projects/{project.id}", headers={"Accept-Language": "fr"})
    assert "Cura del parco" in italian.get_data(as_text=True)
    assert "Soin du parc" in french.get_data(as_text=True)
    assert italian.headers["ETag"] != french.headers["ETag"]
    # A language picked on the switch (kept in the session) is its own variant too.
    assert client.post("/language", data={"lang": "fr", "next": "/projects"}).status_code == 302
    assert "Soin du parc" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session and session["lang"] == "fr"


def test_the_language_switch_needs_no_token_from_anonymous_visitors_and_stays_on_site(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    with client.session_transaction() as session:
        assert session["lang"] == "en"


def test_the_language_switch_still_checks_the_token_of_a_logged_in_person(
    app, client, monkeypatch, login_as, create_participant
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    person = login_as(create_participant())
    assert client.post("/language", data={"lang": "fr"}).status_code == 400
    assert person.preferred_language == "it"


def test_a_page_expires_after_the_ttl_and_shows_an_edit(cached, client, project, db):
    url = f"/projects/{project.id}"
    assert "Cura del parco" in client.get(url).get_data(as_text=True)
    project.title = "Cura del giardino"  # changed behind the page's back (another process)
    db.session.commit()
    cached.advance(seconds=TTL - 1)
    assert "Cura del parco" in client.get(url).get_data(as_text=True)
    cached.advance(seconds=1)
    fresh = client.get(url)
    assert "Cura del giardino" in fresh.get_data(as_text=True)
    assert fresh.headers["Cache-Control"] == f"public, max-age={TTL}"


def test_a_staff_edit_empties_the_cache_of_this_process(
    cached, client, project, login_as, staff, app
):
    client.get(f"/projects/{project.id}")
    assert len(page_cache()) == 1
    login_as(staff)
    response = client.post_form(f"/staff/projects/{project.id}/status/closed")
    assert response.status_code == 302
    assert len(page_cache()) == 0


def test_a_page_that_asked_for_a_csp_nonce_is_never_stored(cached, client, project, monkeypatch):
    from civic_app.core.security import csp_nonce
    from civic_app.projects import views

    real = views.render_template

    def with_an_inline_script(*args, **kwargs):
        csp_nonce()
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "render_template", with_an_inline_script)
    response = client.get(f"/projects/{project.id}")
    assert response.status_code == 200
    assert "nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert len(page_cache()) == 0


def test_off_when_the_ttl_is_zero(client, project):
    response = client.get(f"/projects/{project.id}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers
