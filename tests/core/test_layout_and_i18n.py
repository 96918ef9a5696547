import re
from pathlib import Path

from babel.messages.pofile import read_po

from civic_app.core.permissions import Role

ROOT = Path(__file__).resolve().parents[2]


def test_the_layout_has_landmarks_a_skip_link_and_a_phone_viewport(client):
    body = client.get("/login/phone").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in body
    assert 'class="skip-link" href="#main"' in body


def test_every_form_control_has_a_label(client):
    for url in ("/login", "/login/phone", "/dev/phone"):
        body = client.get(url).get_data(as_text=True)
        controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", body)
        checked = 0
        for tag in controls:
            if re.search(r'type="(hidden|submit)"', tag):
                continue
            control_id = re.search(r'\bid="([^"]+)"', tag).group(1)
            assert f'for="{control_id}"' in body, f"{url}: {control_id} has no label"
            checked += 1
        assert checked, f"{url} has no form control"


def test_errors_are_announced_and_tied_to_their_field(client):
    response = client.post_form("/login/phone", {"phone": "12"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in body
    assert 'role="alert"' in body
    assert 'aria-describedby="phone-hint phone-error"' in body


def test_the_default_language_is_italian(client):
    body = client.get("/").get_data(as_text=True)
    assert 'lang="it" dir="ltr"' in body
    assert "Impegno civico nel tuo Comune" in body


def test_the_browser_language_is_used_when_nobody_chose(client):
    body = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'lang="fr"' in body
    assert "Engagement citoyen dans votre commune" in body


def test_arabic_pages_are_right_to_left(client):
    body = client.get("/login/phone", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in body
    assert "رقم الهاتف" in body


def test_a_chosen_language_is_remembered_on_this_browser(client):
    response = client.post_form("/language", {"lang": "en", "next": "/login/phone"})
    assert response.status_code == 302 and response.location.endswith("/login/phone")
    body = client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert 'lang="en"' in body


def test_a_logged_in_user_keeps_the_language_on_the_account(client, login_as, create_user, db):
    user = login_as(create_user(Role.STAFF))
    client.post_form("/language", {"lang": "ar"})
    db.session.refresh(user)
    assert user.preferred_language == "ar"


def test_the_language_form_refuses_unknown_languages_and_outside_redirects(client):
    response = client.post_form("/language", {"lang": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.location == "/"
    assert 'lang="it"' in client.get("/").get_data(as_text=True)


def catalog(lang):
    with open(
        ROOT / "civic_app" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb"
    ) as f:
        return read_po(f)


def template_strings():
    with open(ROOT / "civic_app" / "translations" / "messages.pot", "rb") as f:
        return {m.id for m in read_po(f) if m.id}


def translated(string) -> bool:
    """A msgstr, or every plural form of it, is filled in."""
    forms = string if isinstance(string, tuple) else (string,)
    return all(forms)


def test_every_interface_string_is_translated_in_en_fr_and_ar():
    wanted = template_strings()
    assert wanted, "messages.pot is empty: run `flask translate update`"
    for lang in ("en", "fr", "ar"):
        messages = {m.id: m for m in catalog(lang) if m.id}
        missing = sorted(
            str(w) for w in wanted if w not in messages or not translated(messages[w].string)
        )
        fuzzy = sorted(m.id for m in messages.values() if m.fuzzy)
        assert not missing, f"{lang}: untranslated {missing[:5]}"
        assert not fuzzy, f"{lang}: fuzzy {fuzzy[:5]}"


def test_the_catalog_template_is_up_to_date(tmp_path):
    """A string added in code or a template without `flask translate update` fails here."""
    from civic_app.cli import extract_messages

    extract_messages(tmp_path / "fresh.pot")
    with open(tmp_path / "fresh.pot", "rb") as f:
        fresh = {m.id for m in read_po(f) if m.id}
    assert fresh == template_strings()


def test_pages_render_in_english_once_chosen(client):
    client.post_form("/language", {"lang": "en"})
    body = client.get("/login/phone").get_data(as_text=True)
    assert "Phone number" in body and "Numero di telefono" not in body
