"""Certificates and exports carry the configured brand; without one they look as today."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from civic_app.reports.models import Certificate
from tests.conftest import BRAND, app_with, client_of
from tests.reports.conftest import Q1

NAME, NETWORK = BRAND["BRAND_NAME"], BRAND["BRAND_NETWORK"]


def issue_and_download(client, known) -> PdfReader:
    person = known.people["A"]  # speaks Arabic: an Italian page and an Arabic one
    assert client.post_form(f"/staff/participants/{person.id}/certificates").status_code == 302
    certificate = (
        Certificate.query.filter_by(participant_id=person.id)
        .order_by(Certificate.id.desc())
        .first()
    )
    response = client.get(f"/staff/certificates/{certificate.id}.pdf")
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def test_the_certificate_names_the_programme_and_its_network(branded_client, known):
    branded_client.log_in(known.staff)
    pdf = issue_and_download(branded_client, known)
    italian, arabic = (page.extract_text() for page in pdf.pages)
    assert f"{NAME} · {NETWORK}" in italian
    assert "Certificato di impegno civico" in italian
    assert NAME in arabic and NETWORK in arabic
    assert pdf.metadata.creator == NAME
    assert "civic_app" not in italian


def test_without_configuration_the_certificate_is_as_today(client, login_as, known):
    login_as(known.staff)
    pdf = issue_and_download(client, known)
    italian = pdf.pages[0].extract_text()
    lines = italian.splitlines()
    assert lines[:2] == ["Comune di Roma", "Programma nazionale di impegno civico"]
    assert pdf.metadata.creator == "civic_app"


def test_a_configured_logo_is_drawn_on_the_certificate(app, known):
    client = client_of(app_with(app, BRAND_NAME=NAME, BRAND_LOGO="icons/favicon.svg"))
    client.log_in(known.staff)
    pdf = issue_and_download(client, known)
    # The QR code is a PNG; the SVG logo is drawn as paths, filled with its green (#0b5d3b),
    # at the top right of the Italian page and the top left of the Arabic one.
    logo_fill = b"0.0431 0.3647 0.2314"
    for page in pdf.pages:
        assert logo_fill in page.get_contents().get_data()
        assert NAME in page.extract_text()


def test_no_logo_is_drawn_without_one(client, login_as, known):
    login_as(known.staff)
    pdf = issue_and_download(client, known)
    assert b"0.0431 0.3647 0.2314" not in pdf.pages[0].get_contents().get_data()


def test_the_xlsx_export_names_the_programme_in_its_notes_and_properties(branded_client, known):
    branded_client.log_in(known.staff)
    response = branded_client.get("/staff/reports/participants.xlsx", query_string=Q1)
    book = load_workbook(io.BytesIO(response.data))
    readme = [row[0] for row in book["readme"].values]
    assert readme[0] == f"{NAME} — Roma"
    assert readme[1] == f"network: {NETWORK}"
    assert book.properties.creator == NAME
    assert book.properties.title == f"{NAME} — Roma"


def test_without_configuration_the_xlsx_says_civic_app(client, login_as, known):
    login_as(known.staff)
    response = client.get("/staff/reports/participants.xlsx", query_string=Q1)
    book = load_workbook(io.BytesIO(response.data))
    readme = [row[0] for row in book["readme"].values]
    assert readme[0] == "civic_app — Roma"
    assert not any(str(note).startswith("network:") for note in readme)
    assert book.properties.creator == "civic_app"
