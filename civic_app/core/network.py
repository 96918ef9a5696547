"""The municipalities of the national network."""

from civic_app.core.models import Municipality
from civic_app.extensions import db

#: slug, name, region, ISTAT code
NETWORK = [
    ("agrigento", "Agrigento", "Sicilia", "084001"),
    ("bologna", "Bologna", "Emilia-Romagna", "037006"),
    ("bolzano", "Bolzano", "Trentino-Alto Adige", "021008"),
    ("caserta", "Caserta", "Campania", "061022"),
    ("catania", "Catania", "Sicilia", "087015"),
    ("firenze", "Firenze", "Toscana", "048017"),
    ("genova", "Genova", "Liguria", "010025"),
    ("latina", "Latina", "Lazio", "059011"),
    ("milano", "Milano", "Lombardia", "015146"),
    ("napoli", "Napoli", "Campania", "063049"),
    ("palermo", "Palermo", "Sicilia", "082053"),
    ("perugia", "Perugia", "Umbria", "054039"),
    ("potenza", "Potenza", "Basilicata", "076063"),
    ("roma", "Roma", "Lazio", "058091"),
    ("sassari", "Sassari", "Sardegna", "090064"),
    ("taranto", "Taranto", "Puglia", "073027"),
    ("torino", "Torino", "Piemonte", "001272"),
    ("trieste", "Trieste", "Friuli-Venezia Giulia", "032006"),
]


def ensure_network() -> dict[str, Municipality]:
    """Create the network's municipalities that are missing; return all by slug. Flushes."""
    existing = {m.slug: m for m in db.session.scalars(db.select(Municipality))}
    for slug, name, region, istat in NETWORK:
        if slug not in existing:
            existing[slug] = Municipality(slug=slug, name=name, region=region, istat_code=istat)
            db.session.add(existing[slug])
    db.session.flush()
    return existing
