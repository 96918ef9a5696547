"""Which municipality a person named in an SMS: in any language or script we know it by.

"Milan", "Milán", "ميلانو", "Мілан" are Milano (`core.network.known_names`), compared as
keywords are (case, accents, Arabic marks and spaces forgiven). A name that fits several
municipalities, a near miss ("Milao") or an unknown name gets a short numbered list to
pick from, each municipality named as the person's language names it.
"""

import difflib

from sqlalchemy import func

from civic_app.conversation.keywords import normalize
from civic_app.core.models import Municipality
from civic_app.core.network import known_names
from civic_app.extensions import db

#: At most this many municipalities in a list to pick from (one or two SMS segments).
PICK_MAX = 5


def _key(text: str) -> str:
    return normalize(text).replace(" ", "")


def by_slug(slug: str) -> Municipality | None:
    return db.session.scalar(db.select(Municipality).where(Municipality.slug == slug))


def match_municipality(text: str) -> tuple[Municipality | None, list[Municipality]]:
    """(the one municipality `text` names, or None; else the ones to choose from, at most
    PICK_MAX: the names it fits, near misses, or the municipalities with most projects)."""
    wanted = _key(text)
    everyone = db.session.scalars(
        db.select(Municipality).order_by(Municipality.name, Municipality.region)
    ).all()
    if not wanted:
        return None, _busiest(everyone)
    names = {m.id: {_key(name) for name in known_names(m)} for m in everyone}
    exact = [m for m in everyone if wanted in names[m.id]]
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact[:PICK_MAX]
    starting = [
        m for m in everyone if len(wanted) >= 3 and any(n.startswith(wanted) for n in names[m.id])
    ]
    if len(starting) == 1:
        return None, starting  # "Mil": asked, not assumed
    close = difflib.get_close_matches(
        wanted, [n for m in everyone for n in names[m.id]], n=PICK_MAX * 2, cutoff=0.6
    )
    near = [m for m in everyone if names[m.id] & set(close)]
    found = list(dict.fromkeys(starting + near))[:PICK_MAX]
    return None, found or _busiest(everyone)


def _busiest(everyone: list[Municipality]) -> list[Municipality]:
    """The municipalities with most published projects, to pick from when nothing fits."""
    from civic_app.projects.models import Project, ProjectStatus

    counts = dict(
        db.session.execute(
            db.select(Project.municipality_id, func.count(Project.id))
            .where(Project.status == ProjectStatus.PUBLISHED)
            .group_by(Project.municipality_id)
        ).all()
    )
    return sorted(everyone, key=lambda m: (-counts.get(m.id, 0), m.name))[:PICK_MAX]


def choices_text(municipalities: list[Municipality], language: str) -> str:
    """ "1 Milan; 2 Rome": each named in `language`, with its region when two share a name."""
    shown = [m.name_in(language) for m in municipalities]
    return "; ".join(
        f"{n} {name}" + (f" ({m.region})" if shown.count(name) > 1 else "")
        for n, (m, name) in enumerate(zip(municipalities, shown, strict=True), start=1)
    )
