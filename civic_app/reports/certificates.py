"""Certificates of civic engagement: issued by staff, printed as PDF, verifiable by QR code.

A certificate is a row first (what was certified, by whom, when); the PDF is drawn
from that row whenever it is downloaded, in Italian and in the participant's
language. Its QR code points to a public page that reads the row through a signed
token and shows only initials, hours and dates.
"""

import io
import unicodedata
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import segno
from flask import current_app, url_for
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func

from civic_app.attendance.models import WAS_THERE, Attendance
from civic_app.core.brand import current_brand
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import to_local
from civic_app.core.types import as_utc
from civic_app.extensions import db
from civic_app.projects.models import SECTOR_LABELS, Project, Sector
from civic_app.reports.models import Certificate

FONTS = Path(__file__).parent / "fonts"
#: Languages a certificate can be printed in (the fonts have Latin, Cyrillic, Arabic and
#: Bengali); other participants get English beside Italian.
PRINTABLE = ("it", "en", "fr", "ar", "es", "bn", "ur", "uk")
RTL = ("ar", "ur")


def initials(first_name: str, last_name: str | None) -> str:
    """ "Amina Koné" → "A. K."; only initials ever leave the certificate row."""
    parts = [p for p in (first_name or "", last_name or "") if p.strip()]
    return " ".join(f"{p.strip()[0].upper()}." for p in parts) or "?"


def engagement(participant_id: int) -> list[dict]:
    """Hours per project where the participant was there, with the first and last day."""
    rows = db.session.execute(
        db.select(
            Attendance.project_id,
            Project.title,
            Project.sector,
            func.sum(Attendance.hours),
            func.min(Attendance.session_starts_at),
            func.max(Attendance.session_starts_at),
        )
        .join(Project, Project.id == Attendance.project_id)
        .where(Attendance.participant_id == participant_id, Attendance.mark.in_(WAS_THERE))
        .group_by(Attendance.project_id, Project.title, Project.sector)
        .order_by(func.min(Attendance.session_starts_at))
    ).all()
    return [
        {
            "project_id": project_id,
            "title": title,
            "sector": str(sector),
            "hours": str(Decimal(str(hours)).quantize(Decimal("0.01"))),
            "first": to_local(as_utc(first)).date().isoformat(),
            "last": to_local(as_utc(last)).date().isoformat(),
        }
        for project_id, title, sector, hours, first, last in rows
        if hours
    ]


def issue_certificate(participant, staff, moment: datetime) -> Certificate:
    """Certify the participant's hours as they are now. Flushes.

    :raise DomainError: when the participant has no hours to certify.
    """
    projects = engagement(participant.id)
    if not projects:
        raise DomainError(None, _("Non ci sono ancora ore da certificare per questa persona."))
    total = sum((Decimal(p["hours"]) for p in projects), Decimal("0.00"))
    certificate = Certificate(
        municipality_id=participant.municipality_id,
        participant_id=participant.id,
        issued_at=moment,
        issued_by_id=staff.id,
        initials=initials(participant.first_name, participant.last_name),
        period_start=datetime.fromisoformat(min(p["first"] for p in projects)).date(),
        period_end=datetime.fromisoformat(max(p["last"] for p in projects)).date(),
        total_hours=total,
        by_project=projects,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="certificate-v1")


def certificate_token(certificate: Certificate) -> str:
    return _serializer().dumps(certificate.id)


def load_certificate(token: str) -> Certificate | None:
    """The certificate a verification token names; None when the token is not genuine."""
    try:
        certificate_id = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(certificate_id, int):
        return None
    return db.session.get(Certificate, certificate_id)


def verification_url(certificate: Certificate) -> str:
    """The public page's address: on PUBLIC_BASE_URL when set, else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    token = certificate_token(certificate)
    if base:
        return base.rstrip("/") + url_for("reports.verify", token=token)
    return url_for("reports.verify", token=token, _external=True)


def certificate_languages(participant_language: str | None) -> list[str]:
    """Italian, then the participant's language (English when it cannot be printed)."""
    second = participant_language if participant_language in PRINTABLE else "en"
    return ["it"] if second == "it" else ["it", second]


class _CertificatePDF(FPDF):
    """One font for Latin, Cyrillic and Arabic script (Noto Sans and Noto Sans Arabic merged:
    fonts/LICENSE-Noto.txt), Bengali from its own, so that a name in any of them prints
    whole on any page; a run of Arabic words stays in one font, which keeps its letters
    joined and its words in reading order for anyone who copies the text. Text is shaped
    (HarfBuzz) and ordered (Unicode bidi) on every page."""

    def __init__(self):
        super().__init__(format="A4")
        self.add_font("civic", "", str(FONTS / "NotoSansArabicLatin-Regular.ttf"))
        self.add_font("civic", "B", str(FONTS / "NotoSansArabicLatin-Bold.ttf"))
        self.add_font("bengali", "", str(FONTS / "NotoSansBengali-Regular.ttf"))
        self.set_fallback_fonts(["bengali"], exact_match=False)
        self.set_auto_page_break(True, margin=20)
        self.set_creator(current_brand().name)


_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}


def isolate(text: str, rtl: bool) -> str:
    """`text` (a name, a title) as one unit inside a page of the other direction: between
    FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE when it holds a letter written the
    other way, so that "ليلى حداد" keeps its order in an Italian sentence and the number
    after it stays after it. Text of the page's own direction is left as it is."""
    other = "ltr" if rtl else "rtl"
    if any(_STRONG.get(unicodedata.bidirectional(c)) == other for c in text):
        return f"\u2068{text}\u2069"
    return text


def render_pdf(certificate: Certificate, full_name: str, signer_name: str) -> bytes:
    """The certificate as a PDF: one page per language, each with the verification QR code."""
    url = verification_url(certificate)
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=6, border=2)
    pdf = _CertificatePDF()
    pdf.set_title(f"Certificato {certificate.id}")
    for language in certificate_languages(certificate.participant.preferred_language):
        with force_locale(language):
            _page(pdf, certificate, full_name, signer_name, url, qr, language)
    return bytes(pdf.output())


def _brand_logo(pdf, rtl: bool) -> None:
    """The brand's logo (BRAND_LOGO) above the text, at the reading side's end."""
    logo = current_brand().logo
    if not logo:
        return
    try:
        path = str(Path(current_app.static_folder) / logo)
        pdf.image(path, x=(10 if rtl else 160), y=10, w=40, h=16, keep_aspect_ratio=True)
    except Exception:  # an image fpdf cannot read must not cost the certificate
        current_app.logger.warning("BRAND_LOGO %s cannot be drawn on a certificate.", logo)
        return
    pdf.set_y(30)


def project_titles(certificate: Certificate, language: str) -> dict[int, str]:
    """The certified projects' titles in `language` where the project has one (its
    translations); the Italian title the certificate recorded stands for the others."""
    if language == "it":
        return {}
    ids = [item["project_id"] for item in certificate.by_project if item.get("project_id")]
    projects = db.session.scalars(db.select(Project).where(Project.id.in_(ids))) if ids else []
    translated = {p.id: ((p.translations or {}).get(language) or {}) for p in projects}
    return {pid: t["title"] for pid, t in translated.items() if t.get("title")}


def _page(pdf, certificate, full_name, signer_name, url, qr, language) -> None:
    rtl = language in RTL
    align = "R" if rtl else "L"
    pdf.add_page()
    pdf.set_text_shaping(True, direction="rtl" if rtl else "ltr")
    municipality = isolate(certificate.municipality.name_in(language), rtl)
    titles = project_titles(certificate, language)

    def line(text, size=11, style="", height=7, where=None):
        pdf.set_font("civic", style, size)
        pdf.multi_cell(0, height, text, align=where or align, new_x="LMARGIN", new_y="NEXT")

    def day(value):
        return format_date(value, format="long") if value else "—"

    _brand_logo(pdf, rtl)
    line(_("Comune di %(name)s", name=municipality), 16, "B", 9)
    if not current_brand().is_default:
        line(current_brand().heading, 12, "B")
    line(_("Programma nazionale di impegno civico"), 11)
    pdf.ln(10)
    line(_("Certificato di impegno civico"), 22, "B", 12, "C")
    pdf.ln(8)
    line(
        _(
            "Si certifica che %(name)s ha svolto attività di impegno civico con il Comune di "
            "%(municipality)s dal %(start)s al %(end)s, per un totale di %(hours)s ore.",
            name=isolate(full_name, rtl),
            municipality=municipality,
            start=day(certificate.period_start),
            end=day(certificate.period_end),
            hours=format_decimal(certificate.total_hours, format="#,##0.##"),
        ),
        12,
        height=8,
    )
    pdf.ln(6)
    headings = (_("Progetto"), _("Settore"), _("Periodo"), _("Ore"))
    widths = (70, 45, 50, 25)
    if rtl:
        headings, widths = headings[::-1], widths[::-1]
    pdf.set_font("civic", "B", 10)
    for heading, width in zip(headings, widths, strict=True):
        pdf.cell(width, 8, heading, border="B", align=align)
    pdf.ln(8)
    pdf.set_font("civic", "", 10)
    for item in certificate.by_project:
        sector = item.get("sector")
        cells = (
            isolate(titles.get(item.get("project_id"), item["title"])[:40], rtl),
            str(SECTOR_LABELS[Sector(sector)]) if sector in set(Sector) else "",
            f"{format_date(datetime.fromisoformat(item['first']).date(), format='short')} – "
            f"{format_date(datetime.fromisoformat(item['last']).date(), format='short')}",
            format_decimal(Decimal(item["hours"]), format="#,##0.##"),
        )
        if rtl:
            cells = cells[::-1]
        for text, width in zip(cells, widths, strict=True):
            pdf.cell(width, 7, text, align=align)
        pdf.ln(7)
    pdf.ln(10)
    line(
        _(
            "Rilasciato il %(date)s. Firmato per il Comune di %(municipality)s da %(signer)s.",
            date=day(to_local(certificate.issued_at).date()),
            municipality=municipality,
            signer=isolate(signer_name, rtl),
        ),
        10,
    )
    line(_("Certificato n. %(number)s", number=certificate.id), 10)
    qr.seek(0)
    y = max(pdf.get_y() + 8, 200)
    pdf.image(qr, x=(20 if rtl else 150), y=y, w=40)
    pdf.set_xy(20 if not rtl else 65, y + 4)
    pdf.set_font("civic", "", 9)
    pdf.multi_cell(
        125,
        5,
        _("Per verificare che è autentico, inquadra il codice QR o apri:") + "\n" + url,
        align=align,
    )
