"""The marketplace's text search: wildcards are letters, and translations are searched."""

from urllib.parse import quote

import pytest


def found(client, q: str) -> str:
    return client.get(f"/projects?q={quote(q)}").get_data(as_text=True)


@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "a%o", "_a"])
def test_like_wildcards_in_the_search_are_plain_characters(client, create_project, wildcard):
    create_project(title="Orti condivisi", description="Coltiviamo insieme.")
    create_project(title="Sconto 100% sulle piante", description="Vivaio_comunale aperto.")
    page = found(client, wildcard)
    assert "Orti condivisi" not in page
    if wildcard in ("%", "_"):
        assert "Sconto 100% sulle piante" in page  # its own text holds the character
        assert "1 progetto trovato" in page
    else:
        assert "Nessun progetto corrisponde alla ricerca." in page


def test_a_percent_sign_matches_only_text_that_has_one(client, create_project):
    create_project(title="Orti condivisi")
    create_project(title="Sconto 100% sulle piante")
    page = found(client, "100%")
    assert "Sconto 100% sulle piante" in page and "Orti condivisi" not in page


def test_an_arabic_title_is_found_by_its_arabic_words(client, create_project):
    create_project(
        title="Cura dei giardini",
        translations={"ar": {"title": "رعاية الحدائق", "description": "نعتني بالحدائق معا."}},
    )
    create_project(title="Aiuto agli anziani", translations={"ar": {"title": "مساعدة المسنين"}})
    page = found(client, "حدائق")
    assert "Cura dei giardini" in page and "Aiuto agli anziani" not in page
    assert "1 progetto trovato" in page


def test_every_translated_title_and_description_is_searched(client, create_project):
    create_project(
        title="Pulizia del quartiere",
        description="Raccogliamo i rifiuti.",
        translations={
            "en": {"title": "Neighbourhood clean-up", "description": "We pick up litter."},
            "fr": {"title": "Nettoyage du quartier", "description": "Ramassage des déchets."},
            "uk": {"title": "Прибирання району", "description": "Збираємо сміття."},
        },
    )
    create_project(title="Altro progetto", description="Niente in comune.")
    for words in ("litter", "NETTOYAGE", "déchets", "сміття", "rifiuti"):
        page = found(client, words)
        assert "Pulizia del quartiere" in page, words
        assert "Altro progetto" not in page, words


def test_the_names_of_the_translation_fields_are_not_text(client, create_project):
    create_project(
        title="Orti condivisi", translations={"en": {"title": "Shared gardens", "description": ""}}
    )
    for word in ("title", "description", '"en"', "\\u"):
        assert "Orti condivisi" not in found(client, word), word


def test_a_wildcard_in_a_translation_search_stays_a_character(client, create_project):
    create_project(title="Orti", translations={"ar": {"title": "حدائق", "description": "معا"}})
    assert "Nessun progetto corrisponde alla ricerca." in found(client, "حد%ق")
    assert "Orti" in found(client, "حدائق")
