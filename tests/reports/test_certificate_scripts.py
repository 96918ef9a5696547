"""Certificates in every script: a name written right to left prints shaped and in order on
the Italian page, the Arabic page uses the project's and the municipality's Arabic names,
and names in Urdu or Bengali letters find a font."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from civic_app.reports.certificates import isolate
from tests.conftest import IN_CI
from tests.reports.test_certificates import issue, pdf_text

NAME = "ليلى حداد"


def fonts_of(data: bytes, page: int) -> set[str]:
    resources = PdfReader(io.BytesIO(data)).pages[page]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in resources.values()}


@pytest.fixture
def layla(known, db):
    person = known.people["A"]  # speaks Arabic
    person.first_name, person.last_name = "ليلى", "حداد"
    db.session.commit()
    return person


def test_an_arabic_name_on_the_italian_page_is_shaped_and_in_reading_order(
    client, login_as, known, layla
):
    certificate = issue(client, login_as, known)
    data = client.get(f"/staff/certificates/{certificate.id}.pdf").data
    italian, arabic = pdf_text(data)
    # pypdf gives back the letters in the order they are read; unshaped glyphs drawn left
    # to right (what the page did before) came back as "دادح ىليل".
    assert NAME in italian
    assert "دادح" not in italian and "ىليل" not in italian
    # ... inside the Italian sentence, in its place, the hours after it
    sentence = " ".join(italian.split())
    assert sentence.index("Si certifica che") < sentence.index(NAME) < sentence.index("7,75")
    assert NAME in arabic


def test_the_arabic_page_uses_the_projects_and_the_municipalitys_arabic_names(
    client, login_as, known, db
):
    known.projects["P1"].translations = {"ar": {"title": "حديقة الشمال"}, "en": {"title": "X"}}
    known.staff.municipality.names = {"ar": "روما", "en": "Rome"}
    db.session.commit()
    certificate = issue(client, login_as, known)
    italian, arabic = pdf_text(client.get(f"/staff/certificates/{certificate.id}.pdf").data)
    assert "حديقة الشمال" in arabic and "Parco Nord" not in arabic
    assert "Anziani insieme" in arabic  # no Arabic title: the Italian one
    assert "روما" in arabic
    assert "Parco Nord" in italian and "حديقة الشمال" not in italian
    assert "Comune di Roma" in italian and "روما" not in italian


def test_urdu_and_bengali_names_print_with_their_fonts(client, login_as, known, db):
    known.people["A"].first_name, known.people["A"].last_name = "عائشہ", "مے"  # ہ ے: Urdu
    known.people["A"].preferred_language = "it"
    db.session.commit()
    certificate = issue(client, login_as, known)
    data = client.get(f"/staff/certificates/{certificate.id}.pdf").data
    (italian,) = pdf_text(data)
    assert "عائشہ مے" in italian
    known.people["C"].first_name = "রহিম"
    db.session.commit()
    certificate = issue(client, login_as, known, "C")
    assert "NotoSansBengali" in fonts_of(
        client.get(f"/staff/certificates/{certificate.id}.pdf").data, 0
    )


def test_only_text_of_the_other_direction_is_isolated():
    assert isolate(NAME, rtl=False) == f"\u2068{NAME}\u2069"
    assert isolate("Rossi", rtl=False) == "Rossi"
    assert isolate("Rossi 2", rtl=True) == "\u2068Rossi 2\u2069"
    assert isolate(NAME, rtl=True) == NAME
    assert isolate("2026", rtl=True) == "2026"  # digits carry no direction of their own


@pytest.mark.skipif(
    not IN_CI and not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) not installed"
)
def test_the_italian_page_renders(client, login_as, known, layla, tmp_path):
    """Poppler draws the page (tests/e2e/test_scripts.py keeps a picture of it)."""
    certificate = issue(client, login_as, known)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(f"/staff/certificates/{certificate.id}.pdf").data)
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "it"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Missing" not in result.stderr and "Error" not in result.stderr
    assert (tmp_path / "it.png").stat().st_size > 10_000
