"""Certificates: issued by staff, PDF in Italian and the participant's language, QR to a
public verification page that shows only initials, hours and dates."""

import io
import re

from pypdf import PdfReader

from civic_app.core.models import AuditEvent
from civic_app.reports.certificates import certificate_token, verification_url
from civic_app.reports.models import Certificate


def issue(client, login_as, known, person_key="A"):
    login_as(known.staff)
    person = known.people[person_key]
    response = client.post_form(f"/staff/participants/{person.id}/certificates")
    assert response.status_code == 302
    return (
        Certificate.query.filter_by(participant_id=person.id)
        .order_by(Certificate.id.desc())
        .first()
    )


def pdf_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_staff_issue_a_certificate_of_the_hours_by_project(client, login_as, known, db):
    certificate = issue(client, login_as, known)
    assert str(certificate.total_hours) == "7.75"  # 3 + 1.75 (Parco Nord) + 3 (Anziani insieme)
    assert [(p["title"], p["hours"], p["first"], p["last"]) for p in certificate.by_project] == [
        ("Parco Nord", "4.75", "2026-01-15", "2026-02-01"),
        ("Anziani insieme", "3.00", "2026-03-02", "2026-03-02"),
    ]
    assert certificate.initials == "P. R."
    assert certificate.issued_by_id == known.staff.id
    assert db.session.scalar(
        db.select(AuditEvent.id).where(AuditEvent.action == "certificate.issued")
    )


def test_nobody_gets_a_certificate_without_hours(client, login_as, known):
    login_as(known.staff)
    person = known.people["B"]  # absent and excused only
    response = client.post_form(
        f"/staff/participants/{person.id}/certificates", follow_redirects=True
    )
    assert "Non ci sono ancora ore da certificare per questa persona." in response.get_data(
        as_text=True
    )
    assert Certificate.query.filter_by(participant_id=person.id).count() == 0


def test_the_pdf_is_in_italian_and_in_the_participants_language(client, login_as, known):
    certificate = issue(client, login_as, known)  # A speaks Arabic
    response = client.get(f"/staff/certificates/{certificate.id}.pdf")
    assert response.mimetype == "application/pdf"
    italian, arabic = pdf_text(response.data)
    assert "Certificato di impegno civico" in italian
    assert "PersonaA Rossi" in italian
    assert "7,75" in italian
    assert "Parco Nord" in italian and "4,75" in italian
    assert f"Firmato per il Comune di Roma da {known.staff.display_name}" in italian.replace(
        "\n", " "
    )
    assert "/verify/" in italian
    assert "Certificato di impegno civico" not in arabic
    assert "PersonaA Rossi" in arabic


def test_a_french_speaker_gets_italian_and_french_and_an_italian_speaker_one_page(
    client, login_as, known, db
):
    known.people["A"].preferred_language = "fr"
    db.session.commit()
    certificate = issue(client, login_as, known)
    pages = pdf_text(client.get(f"/staff/certificates/{certificate.id}.pdf").data)
    assert len(pages) == 2
    assert "Certificat" in pages[1]
    known.people["C"].preferred_language = "it"
    db.session.commit()
    certificate = issue(client, login_as, known, "C")
    assert len(pdf_text(client.get(f"/staff/certificates/{certificate.id}.pdf").data)) == 1


def test_the_qr_code_points_to_a_public_page_with_initials_hours_and_dates_only(
    app, client, login_as, known
):
    certificate = issue(client, login_as, known)
    with app.test_request_context():
        url = verification_url(certificate)
    client.post_form("/logout")
    body = client.get(url.replace("http://localhost", "")).get_data(as_text=True)
    assert "Certificato autentico." in body
    assert re.search(r'id="initials">P\. R\.<', body)
    assert re.search(r'id="hours">7,75<', body)
    assert "15 gennaio 2026" in body and "2 marzo 2026" in body
    assert "PersonaA" not in body and "Rossi" not in body
    assert known.people["A"].phone not in body
    assert "Parco Nord" not in body


def test_a_forged_or_altered_token_is_not_genuine(app, client, login_as, known):
    certificate = issue(client, login_as, known)
    with app.test_request_context():
        token = certificate_token(certificate)
    response = client.get(f"/verify/{token[:-2]}xx")
    assert response.status_code == 404
    assert "non corrisponde a nessun certificato" in response.get_data(as_text=True)
    from itsdangerous import URLSafeSerializer

    forged = URLSafeSerializer("not-our-key", salt="certificate-v1").dumps(certificate.id)
    assert client.get(f"/verify/{forged}").status_code == 404


def test_a_withdrawn_certificate_says_so(app, client, login_as, known):
    certificate = issue(client, login_as, known)
    client.post_form(f"/staff/certificates/{certificate.id}/revoke")
    with app.test_request_context():
        token = certificate_token(certificate)
    body = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "è stato ritirato dal Comune" in body
    assert "Certificato autentico." not in body


def test_participants_download_their_own_certificates_only(client, login_as, known):
    certificate = issue(client, login_as, known)
    login_as(known.people["A"])
    page = client.get("/me/certificates").get_data(as_text=True)
    assert 'dir="rtl"' in page  # in the participant's language
    assert f"/me/certificates/{certificate.id}.pdf" in page
    assert client.get(f"/me/certificates/{certificate.id}.pdf").status_code == 200
    login_as(known.people["C"])
    assert client.get(f"/me/certificates/{certificate.id}.pdf").status_code == 404


def test_staff_of_another_municipality_see_nothing(client, login_as, known):
    certificate = issue(client, login_as, known)
    login_as(known.other_staff)
    assert client.get(f"/staff/certificates/{certificate.id}.pdf").status_code == 404
    assert client.post_form(f"/staff/certificates/{certificate.id}/revoke").status_code == 404
    person = known.people["A"]
    assert client.get(f"/staff/participants/{person.id}/certificates").status_code == 404
    assert client.post_form(f"/staff/participants/{person.id}/certificates").status_code == 404


def test_erasure_removes_the_initials_but_the_certificate_still_verifies(
    app, client, login_as, known, db
):
    from civic_app.people.data_rights import erase_participant

    certificate = issue(client, login_as, known)
    erase_participant(known.people["A"], known.people["A"].created_at)
    db.session.commit()
    with app.test_request_context():
        token = certificate_token(certificate)
    body = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "Certificato autentico." in body
    assert re.search(r'id="initials">—<', body)
    assert re.search(r'id="hours">7,75<', body)
