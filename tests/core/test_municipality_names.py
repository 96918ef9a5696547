"""A municipality's name in the page's language: Rome, Milan, روما, ميلانو; the Italian
name where there is none; every known name listed for whoever reads what people write."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from civic_app.core.network import NAMES, NETWORK, ensure_network, known_names
from tests.core.test_migrations import app_on


def test_the_name_in_a_language_falls_back_to_the_italian_one(create_municipality):
    milano = create_municipality(
        slug="milano", name="Milano", names={"en": "Milan", "ar": "ميلانو"}
    )
    assert milano.name_in("ar") == "ميلانو"
    assert milano.name_in("en") == "Milan"
    assert milano.name_in("uk") == "Milano"
    assert milano.name_in(None) == "Milano"


def test_every_network_municipality_gets_its_names(db):
    municipalities = ensure_network()
    db.session.commit()
    assert len(municipalities) == len(NETWORK) == 18
    assert set(NAMES) == {slug for slug, *_rest in NETWORK}
    assert municipalities["roma"].name_in("ar") == "روما"
    assert municipalities["roma"].name_in("en") == "Rome"
    assert municipalities["milano"].name_in("fr") == "Milan"
    assert municipalities["milano"].name_in("ar") == "ميلانو"
    assert municipalities["latina"].name_in("en") == "Latina"  # the same in English
    for slug, names in NAMES.items():
        assert {"ar", "uk"} <= set(names), slug  # another script: always written down


def test_known_names_list_each_name_once_italian_first(create_municipality):
    milano = create_municipality(
        slug="milano", name="Milano", names={"en": "Milan", "fr": "Milan", "ar": "ميلانو"}
    )
    assert known_names(milano) == ["Milano", "Milan", "ميلانو"]  # the slug is "milano" too
    other = create_municipality(slug="reggio-emilia", name="Reggio Emilia")
    assert known_names(other) == ["Reggio Emilia", "reggio-emilia"]


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("ar", "روما", "Rome"), ("en", "Rome", "روما"), ("it", "Roma", "روما")],
)
def test_pages_show_the_municipality_in_the_pages_language(
    client, municipality, create_project, db, language, expected, absent
):
    municipality.names = {"ar": "روما", "en": "Rome"}
    db.session.commit()
    project = create_project(title="Parco Nord")
    headers = {"Accept-Language": language}
    for url in ("/projects", f"/projects/{project.id}"):
        body = client.get(url, headers=headers).get_data(as_text=True)
        assert expected in body, url
        assert absent not in body, url


def test_the_migration_writes_the_names_into_existing_municipalities(tmp_path, own_session):
    url = f"sqlite:///{tmp_path / 'names.db'}"
    app = app_on(url)
    with app.app_context():
        upgrade(revision="0014_event_changes")
        engine = create_engine(url)
        with engine.begin() as conn:
            for slug, name in (("roma", "Roma"), ("altrove", "Altrove")):
                conn.execute(
                    text(
                        "INSERT INTO municipality (slug, name, region, quiet_start, quiet_end,"
                        " reminder_hours, created_at, updated_at) VALUES (:slug, :name,"
                        " 'Lazio', '21:00', '08:00', '24,2', '2026-01-01', '2026-01-01')"
                    ),
                    {"slug": slug, "name": name},
                )
        upgrade()
        from civic_app.core.models import Municipality
        from civic_app.extensions import db

        by_slug = {m.slug: m for m in db.session.scalars(db.select(Municipality))}
        assert by_slug["roma"].names == NAMES["roma"]
        assert by_slug["altrove"].names == {}
        db.session.remove()
        db.engine.dispose()
        engine.dispose()
