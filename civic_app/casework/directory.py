"""Units and the directory of care services: the operations staff use to keep them, and
what the case team reads from them.

A municipality keeps its own units and services. A service marked `network_wide` is
offered to every municipality of the network as well (read-only for the others); the
civic-engagement programme is each municipality's own, never shared. Retiring a service
keeps its row, so the referrals made to it still point somewhere; it simply takes no new
ones. These operations flush; the view commits.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_

from civic_app.casework.models import (
    SERVICE_KIND_LABELS,
    CareService,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.core.errors import DomainError
from civic_app.core.models import Municipality
from civic_app.core.phones import normalize_phone
from civic_app.extensions import db
from civic_app.projects.forms import SPOKEN_LANGUAGES

#: Kinds staff may give a service: the civic-engagement programme is made by the system
#: (casework.civic.programme_service), one per municipality.
STAFF_KINDS = tuple(kind for kind in ServiceKind if kind != ServiceKind.CIVIC_ENGAGEMENT)
#: Languages a service may speak: those the programme speaks (pages and SMS), in order.
LANGUAGE_CODES = tuple(code for code, _name in SPOKEN_LANGUAGES)

UNIT_NAME_MAX, ZONE_MAX, HOURS_MAX = 120, 80, 200
SERVICE_NAME_MAX, ADDRESS_MAX, NOTES_MAX = 160, 200, 2000


def _text(data: dict, key: str, limit: int, *, required: bool = False) -> str:
    value = (data.get(key) or "").strip()
    if required and not value:
        raise DomainError(key, _l("Scrivi il nome."))
    if len(value) > limit:
        raise DomainError(key, _l("Scrivi al massimo %(n)s caratteri.", n=limit))
    return value


# Units


def save_unit(unit: Unit | None, municipality_id: int, data: dict) -> Unit:
    """Create (unit None) or update a unit of `municipality_id` from `data` (name, kind,
    zone, opening_hours). Flushes.

    :raise DomainError: for an empty or too long name, an unknown kind, a text too long.
    """
    name = _text(data, "name", UNIT_NAME_MAX, required=True)
    zone = _text(data, "zone", ZONE_MAX)
    hours = _text(data, "opening_hours", HOURS_MAX)
    try:
        kind = UnitKind(data.get("kind"))
    except ValueError:
        raise DomainError("kind", _l("Scegli il tipo di unità.")) from None
    if unit is None:
        unit = Unit(municipality_id=municipality_id, is_active=True)
        db.session.add(unit)
    unit.name, unit.kind, unit.zone, unit.opening_hours = name, kind, zone, hours
    db.session.flush()
    return unit


def set_unit_active(unit: Unit, active: bool) -> bool:
    """Open or close a unit; its cases stay as they are. True when it changed. Flushes."""
    if unit.is_active == active:
        return False
    unit.is_active = active
    db.session.flush()
    return True


def active_units(municipality_id: int) -> list[Unit]:
    """The units a new intake may be recorded at, by name."""
    return db.session.scalars(
        db.select(Unit)
        .where(Unit.municipality_id == municipality_id, Unit.is_active.is_(True))
        .order_by(Unit.name, Unit.id)
    ).all()


# Services


def _languages(codes) -> str:
    codes = list(codes or [])
    unknown = [code for code in codes if code not in LANGUAGE_CODES]
    if unknown:
        raise DomainError("languages", _l("Scegli le lingue dall'elenco."))
    ordered = [code for code in LANGUAGE_CODES if code in codes]
    return f",{','.join(ordered)}," if ordered else ""


def save_service(service: CareService | None, municipality_id: int, data: dict) -> CareService:
    """Create (service None) or update a directory entry of `municipality_id` from `data`
    (name, kind, address, phone, opening_hours, languages, notes, network_wide). The phone
    is stored in E.164, or empty. The programme's entry keeps its kind and stays the
    municipality's own. Flushes.

    :raise DomainError: for an empty name, a kind staff may not give, a phone number that
        is not one, a language not on the list, a text too long.
    """
    name = _text(data, "name", SERVICE_NAME_MAX, required=True)
    address = _text(data, "address", ADDRESS_MAX)
    hours = _text(data, "opening_hours", HOURS_MAX)
    notes = _text(data, "notes", NOTES_MAX)
    raw_phone = (data.get("phone") or "").strip()
    phone = normalize_phone(raw_phone, field="phone") if raw_phone else ""
    languages = _languages(data.get("languages"))
    programme = service is not None and service.kind == ServiceKind.CIVIC_ENGAGEMENT
    if programme:
        kind = ServiceKind.CIVIC_ENGAGEMENT
    else:
        try:
            kind = ServiceKind(data.get("kind"))
        except ValueError:
            kind = None
        if kind not in STAFF_KINDS:
            raise DomainError("kind", _l("Scegli il tipo di servizio dall'elenco."))
    if service is None:
        service = CareService(municipality_id=municipality_id)
        db.session.add(service)
    service.name, service.kind, service.address = name, kind, address
    service.phone, service.opening_hours, service.languages = phone, hours, languages
    service.notes = notes
    service.network_wide = bool(data.get("network_wide")) and not programme
    db.session.flush()
    return service


def retire_service(service: CareService, now: datetime) -> bool:
    """Take a service out of the directory for new referrals; the row and the referrals
    made to it stay. True when it changed. Flushes.

    :raise DomainError: for the civic-engagement programme, which every municipality has.
    """
    if service.kind == ServiceKind.CIVIC_ENGAGEMENT:
        raise DomainError(
            None, _l("Il programma di impegno civico del Comune non si può ritirare.")
        )
    if service.retired_at is not None:
        return False
    service.retired_at = now
    db.session.flush()
    return True


def restore_service(service: CareService) -> bool:
    """Put a retired service back in the directory. True when it changed. Flushes."""
    if service.retired_at is None:
        return False
    service.retired_at = None
    db.session.flush()
    return True


def _visible_to(municipality_id: int):
    """Its own services, and the network-wide ones of the other municipalities (their
    programmes are theirs alone)."""
    return or_(
        CareService.municipality_id == municipality_id,
        and_(
            CareService.network_wide.is_(True),
            CareService.kind != ServiceKind.CIVIC_ENGAGEMENT,
        ),
    )


def services_for_referral(municipality_id: int) -> list[CareService]:
    """The services a case of `municipality_id` may be referred to now: its own and the
    network's shared ones, none retired, ordered by kind then name."""
    return db.session.scalars(
        db.select(CareService)
        .where(_visible_to(municipality_id), CareService.retired_at.is_(None))
        .order_by(CareService.kind, func.lower(CareService.name), CareService.id)
    ).all()


def service_label(service: CareService, municipality_id: int) -> str:
    """ "Name (kind)", with the municipality's name for another municipality's service."""
    label = f"{service.name} ({SERVICE_KIND_LABELS[service.kind]})"
    if service.municipality_id != municipality_id:
        owner = db.session.get(Municipality, service.municipality_id)
        label = f"{label} · {owner.name}"
    return label


def service_choices(municipality_id: int) -> list[tuple[int, str]]:
    """(id, label) of `services_for_referral`, for a select field."""
    return [
        (service.id, service_label(service, municipality_id))
        for service in services_for_referral(municipality_id)
    ]


def directory_query(
    municipality_id: int,
    *,
    kind: str | None = None,
    language: str | None = None,
    q: str | None = None,
):
    """The active services the case team of `municipality_id` can look up, filtered by
    kind, a language spoken and a piece of the name (`%` and `_` mean themselves),
    ordered by kind then name."""
    query = db.select(CareService).where(
        _visible_to(municipality_id), CareService.retired_at.is_(None)
    )
    if kind:
        query = query.where(CareService.kind == ServiceKind(kind))
    if language:
        query = query.where(CareService.languages.contains(f",{language},", autoescape=True))
    needle = (q or "").strip().lower()
    if needle:
        query = query.where(func.lower(CareService.name).contains(needle, autoescape=True))
    return query.order_by(CareService.kind, func.lower(CareService.name), CareService.id)


def municipality_names(services) -> dict[int, str]:
    """The name (in the page's language) of each municipality that keeps one of
    `services`, in one query."""
    ids = {service.municipality_id for service in services}
    if not ids:
        return {}
    rows = db.session.scalars(db.select(Municipality).where(Municipality.id.in_(ids)))
    return {municipality.id: municipality.local_name for municipality in rows}


def own_services_query(municipality_id: int):
    """The municipality's own entries, active first, then by kind and name."""
    return (
        db.select(CareService)
        .where(CareService.municipality_id == municipality_id)
        .order_by(
            CareService.retired_at.is_not(None),
            CareService.kind,
            func.lower(CareService.name),
            CareService.id,
        )
    )
