"""Before a certificate is issued again: which of the hours it would certify are already
certified by an earlier certificate that still stands (not withdrawn)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from civic_app.extensions import db
from civic_app.reports.models import Certificate


@dataclass
class Overlap:
    """A project's hours that an earlier certificate already covers."""

    certificate: Certificate
    title: str
    hours: Decimal
    first: date
    last: date


def already_certified(participant_id: int, projects: list[dict]) -> list[Overlap]:
    """The projects of `projects` (as `engagement` gives them) found in a standing
    certificate of the participant, newest certificate first."""
    wanted = {p["project_id"] for p in projects}
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.participant_id == participant_id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc())
    ).all()
    return [
        Overlap(
            certificate=certificate,
            title=item["title"],
            hours=Decimal(item["hours"]),
            first=datetime.fromisoformat(item["first"]).date(),
            last=datetime.fromisoformat(item["last"]).date(),
        )
        for certificate in certificates
        for item in certificate.by_project or []
        if item.get("project_id") in wanted
    ]
