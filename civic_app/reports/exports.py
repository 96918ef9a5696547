"""Exports for the fund (aggregates) and for a municipality's own staff (per participant).

Every column is defined once in COLUMNS; docs/reports.md documents the same keys
(a test keeps the two in step). Text cells are neutralised so that no spreadsheet
runs them as formulas; XLSX cells are also typed as text.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import case, distinct, func, select

from civic_app.attendance.models import WAS_THERE, Attendance, Mark
from civic_app.core.exports import spreadsheet_safe
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.core.types import as_utc
from civic_app.events.models import CommunityEvent, EventAttendance
from civic_app.extensions import db
from civic_app.people.models import User
from civic_app.plans.models import Plan
from civic_app.projects.models import Project
from civic_app.reports.indicators import _dec, _signed_plans
from civic_app.reports.period import Period
from civic_app.sms.models import Direction, Message, Status


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy string
    definition: object
    #: A count of people (or of their attendances): suppressed below the threshold
    #: in what coordinators receive.
    people: bool = False


#: The columns that say which municipality (and month) a row is about.
WHERE = [
    Column("municipality", _l("Comune"), _l("Nome del Comune.")),
    Column("istat_code", _l("Codice ISTAT"), _l("Codice ISTAT del Comune.")),
]
WHERE_WHEN = [
    *WHERE,
    Column("month", _l("Mese"), _l("Mese di calendario (ora italiana), AAAA-MM.")),
]

SECTOR_MONTH = [
    *WHERE_WHEN,
    Column("sector", _l("Settore"), _l("green, care o safety: il settore del progetto.")),
    Column(
        "participants_active",
        _l("Partecipanti attivi"),
        _l("Persone diverse segnate presenti (anche in ritardo o uscite prima) nel mese."),
        True,
    ),
    Column(
        "sessions_held",
        _l("Turni svolti"),
        _l("Turni con almeno una presenza o assenza registrata."),
    ),
    Column("marks_present", _l("Presenze"), _l("Presenze registrate."), True),
    Column("marks_late", _l("Ritardi"), _l("Presenze con arrivo in ritardo."), True),
    Column(
        "marks_left_early", _l("Uscite anticipate"), _l("Presenze con uscita anticipata."), True
    ),
    Column("marks_absent", _l("Assenze"), _l("Assenze non giustificate."), True),
    Column("marks_excused", _l("Assenze giustificate"), _l("Assenze giustificate."), True),
    Column("hours", _l("Ore"), _l("Ore svolte, in quarti d'ora, con due decimali.")),
]

MONTH = [
    *WHERE_WHEN,
    Column(
        "participants_signed_up",
        _l("Nuovi iscritti"),
        _l("Account di partecipanti creati nel mese (web, SMS o allo sportello)."),
        True,
    ),
    Column(
        "participants_active",
        _l("Partecipanti attivi"),
        _l("Persone diverse segnate presenti a un turno nel mese, in qualsiasi settore."),
        True,
    ),
    Column(
        "plans_signed",
        _l("Piani firmati"),
        _l("Piani individuali firmati da entrambe le parti per la prima volta nel mese."),
        True,
    ),
    Column(
        "events_held",
        _l("Eventi svolti"),
        _l("Eventi di comunità non annullati iniziati nel mese."),
    ),
    Column(
        "event_participants",
        _l("Partecipanti agli eventi"),
        _l("Partecipanti registrati diversi presenti agli eventi del mese."),
        True,
    ),
    Column(
        "event_public",
        _l("Pubblico agli eventi"),
        _l("Persone del pubblico (non registrate) contate agli eventi del mese."),
        True,
    ),
    Column("sms_sent", _l("SMS inviati"), _l("SMS consegnati al gestore, compresi i falliti.")),
    Column("sms_failed", _l("SMS falliti"), _l("SMS non consegnati o falliti.")),
    Column("sms_segments", _l("Segmenti SMS"), _l("Segmenti SMS fatturabili degli SMS inviati.")),
]

PARTICIPANTS = [
    Column("participant_id", _l("Numero"), _l("Numero interno della persona.")),
    Column("first_name", _l("Nome"), _l("Nome (vuoto se i dati sono stati cancellati).")),
    Column("last_name", _l("Cognome"), _l("Cognome (vuoto se non indicato o cancellato).")),
    Column("language", _l("Lingua"), _l("Lingua preferita (codice).")),
    Column("referral_source", _l("Inviato da"), _l("Chi ha indirizzato la persona.")),
    Column("signed_up_via", _l("Iscrizione"), _l("web, sms o assisted (allo sportello).")),
    Column("signed_up_on", _l("Iscritto il"), _l("Data di iscrizione.")),
    Column("plan_status", _l("Stato del piano"), _l("Stato del piano più recente.")),
    Column("plan_target_hours", _l("Ore previste"), _l("Ore previste dal piano più recente.")),
    Column("hours", _l("Ore svolte"), _l("Ore svolte nel periodo.")),
    Column("sessions_attended", _l("Turni svolti"), _l("Turni con presenza nel periodo.")),
    Column("absences", _l("Assenze"), _l("Assenze non giustificate nel periodo.")),
    Column("last_attended_on", _l("Ultima presenza"), _l("Ultimo turno con presenza.")),
]

BREAKDOWNS = [
    *WHERE,
    Column(
        "sector",
        _l("Settore"),
        _l("green, care, safety; community per gli eventi; none per i piani senza progetto."),
    ),
    Column(
        "measure",
        _l("Misura"),
        _l(
            "reached, active_plan, plans_started, plans_completed, hours, "
            "event_participants (vedi docs/reports.md)."
        ),
    ),
    Column("dimension", _l("Dimensione"), _l("sex, age_band o third_country.")),
    Column(
        "category",
        _l("Categoria"),
        _l("Il valore della dimensione; not_stated quando la persona non l'ha indicato."),
    ),
    Column("value", _l("Valore"), _l("Persone (o ore, per la misura hours)."), True),
]

TABLES = {"sector_month": SECTOR_MONTH, "month": MONTH, "breakdowns": BREAKDOWNS}


def breakdown_rows(period: Period, municipality_id: int | None) -> list[dict]:
    from civic_app.reports.breakdowns import collect_breakdowns, fund_rows

    return fund_rows(
        collect_breakdowns(period, municipality_id), municipality_names(municipality_id)
    )


def municipality_names(municipality_id: int | None) -> dict[int, tuple[str, str]]:
    """{id: (name, ISTAT code)} of one municipality, or of all when None."""
    query = select(Municipality)
    if municipality_id is not None:
        query = query.where(Municipality.id == municipality_id)
    return {m.id: (m.name, m.istat_code or "") for m in db.session.scalars(query)}


def fund_tables(
    period: Period, moment: datetime, municipality_id: int | None = None
) -> dict[str, list[dict]]:
    """The fund's two tables for the period: per municipality, sector and month; and per
    municipality and month. Zero rows are left out. A fixed number of queries."""
    run = db.session.execute
    where_m = (
        (lambda column: [])
        if municipality_id is None
        else (lambda column: [column == municipality_id])
    )
    names = municipality_names(municipality_id)
    month = period.month_of(Attendance.session_starts_at)
    sector_rows: dict[tuple, dict] = defaultdict(dict)
    # One pass over the period's attendance: marks by kind, hours, people and sessions.
    marks = list(Mark)
    for m, mon, sector, *values in run(
        select(
            Attendance.municipality_id,
            month,
            Project.sector,
            *(func.count(case((Attendance.mark == mark, 1))) for mark in marks),
            func.sum(Attendance.hours),
            func.count(distinct(case((Attendance.mark.in_(WAS_THERE), Attendance.participant_id)))),
            func.count(distinct(Attendance.session_id)),
        )
        .join(Project, Project.id == Attendance.project_id)
        .where(period.contains(Attendance.session_starts_at), *where_m(Attendance.municipality_id))
        .group_by(Attendance.municipality_id, month, Project.sector)
    ):
        counts, (hours, active, sessions) = values[: len(marks)], values[len(marks) :]
        row = sector_rows[(m, mon, str(sector))]
        for mark, count in zip(marks, counts, strict=True):
            row[f"marks_{mark}"] = count
        row["hours"] = _dec(hours)
        row["participants_active"] = active
        row["sessions_held"] = sessions

    month_rows: dict[tuple, dict] = defaultdict(dict)

    def add(key, column, value):
        month_rows[key][column] = month_rows[key].get(column, 0) + (value or 0)

    created = period.month_of(User.created_at)
    for m, mon, count in run(
        select(User.municipality_id, created, func.count())
        .where(
            User.role == Role.PARTICIPANT,
            period.contains(User.created_at),
            *where_m(User.municipality_id),
        )
        .group_by(User.municipality_id, created)
    ):
        add((m, mon), "participants_signed_up", count)
    for m, mon, count in run(
        select(Attendance.municipality_id, month, func.count(distinct(Attendance.participant_id)))
        .where(
            Attendance.mark.in_(WAS_THERE),
            period.contains(Attendance.session_starts_at),
            *where_m(Attendance.municipality_id),
        )
        .group_by(Attendance.municipality_id, month)
    ):
        add((m, mon), "participants_active", count)
    signed = _signed_plans()
    signed_month = period.month_of(signed.c.first)
    for m, mon, count in run(
        select(Plan.municipality_id, signed_month, func.count())
        .join(signed, signed.c.plan_id == Plan.id)
        .where(period.contains(signed.c.first), *where_m(Plan.municipality_id))
        .group_by(Plan.municipality_id, signed_month)
    ):
        add((m, mon), "plans_signed", count)
    held = (
        period.contains(CommunityEvent.starts_at)
        & (CommunityEvent.status == "scheduled")
        & (CommunityEvent.starts_at <= moment)
    )
    event_month = period.month_of(CommunityEvent.starts_at)
    for m, mon, count, guests in run(
        select(
            CommunityEvent.municipality_id,
            event_month,
            func.count(),
            func.coalesce(func.sum(CommunityEvent.public_guests), 0),
        )
        .where(held, *where_m(CommunityEvent.municipality_id))
        .group_by(CommunityEvent.municipality_id, event_month)
    ):
        add((m, mon), "events_held", count)
        add((m, mon), "event_public", guests)
    for m, mon, people in run(
        select(
            CommunityEvent.municipality_id,
            event_month,
            func.count(distinct(EventAttendance.participant_id)),
        )
        .join(EventAttendance, EventAttendance.event_id == CommunityEvent.id)
        .where(held, *where_m(CommunityEvent.municipality_id))
        .group_by(CommunityEvent.municipality_id, event_month)
    ):
        add((m, mon), "event_participants", people)
    sms_month = period.month_of(Message.created_at)
    failed = (Status.FAILED, Status.UNDELIVERED, Status.UNKNOWN)
    for m, mon, status, count, segments in run(
        select(
            Message.municipality_id,
            sms_month,
            Message.status,
            func.count(),
            func.coalesce(func.sum(Message.segments), 0),
        )
        .where(
            Message.direction == Direction.OUT,
            Message.status.in_((Status.SENT, Status.DELIVERED, *failed)),
            period.contains(Message.created_at),
            Message.municipality_id.is_not(None),
            *where_m(Message.municipality_id),
        )
        .group_by(Message.municipality_id, sms_month, Message.status)
    ):
        add((m, mon), "sms_sent", count)
        add((m, mon), "sms_segments", segments)
        if status in failed:
            add((m, mon), "sms_failed", count)

    def finish(rows: dict, columns: list[Column]) -> list[dict]:
        out = []
        for key in sorted(rows, key=lambda k: (names.get(k[0], ("",))[0], *k[1:])):
            if key[0] not in names:
                continue
            name, istat = names[key[0]]
            values = {"municipality": name, "istat_code": istat, "month": key[1]}
            if len(key) > 2:
                values["sector"] = key[2]
            for column in columns:
                if column.key not in values:
                    values[column.key] = rows[key].get(column.key, 0)
            out.append(values)
        return out

    return {
        "sector_month": finish(sector_rows, SECTOR_MONTH),
        "month": finish(month_rows, MONTH),
    }


def suppress_rows(rows: list[dict], columns: list[Column], below: int) -> list[dict]:
    """Counts of people from 1 to below-1 replaced by "<5" (for coordinators)."""
    marker = f"<{below}"
    people = {c.key for c in columns if c.people}
    return [
        {
            k: (marker if k in people and row.get("measure") != "hours" and 0 < v < below else v)
            for k, v in row.items()
        }
        for row in rows
    ]


def participant_rows(municipality_id: int, period: Period) -> list[dict]:
    """One row per participant of the municipality (staff only; the caller audits)."""
    people = db.session.scalars(
        select(User)
        .where(User.municipality_id == municipality_id, User.role == Role.PARTICIPANT)
        .order_by(User.id)
    ).all()
    plans = {}
    for plan in db.session.scalars(
        select(Plan).where(Plan.municipality_id == municipality_id).order_by(Plan.id)
    ):
        plans[plan.participant_id] = plan  # the latest wins
    figures = {
        pid: (hours, attended, absences, last)
        for pid, hours, attended, absences, last in db.session.execute(
            select(
                Attendance.participant_id,
                func.sum(Attendance.hours),
                func.count(case((Attendance.mark.in_(WAS_THERE), 1))),
                func.count(case((Attendance.mark == Mark.ABSENT, 1))),
                func.max(case((Attendance.mark.in_(WAS_THERE), Attendance.session_starts_at))),
            )
            .where(
                Attendance.municipality_id == municipality_id,
                period.contains(Attendance.session_starts_at),
            )
            .group_by(Attendance.participant_id)
        )
    }
    rows = []
    for person in people:
        plan = plans.get(person.id)
        hours, attended, absences, last = figures.get(person.id, (None, 0, 0, None))
        rows.append(
            {
                "participant_id": person.id,
                "first_name": "" if person.erased_at else person.first_name,
                "last_name": "" if person.erased_at else (person.last_name or ""),
                "language": person.preferred_language,
                "referral_source": person.referral_source or "",
                "signed_up_via": person.signed_up_via or "",
                "signed_up_on": to_local(person.created_at).date().isoformat(),
                "plan_status": plan.status.value if plan else "",
                "plan_target_hours": plan.target_hours if plan else "",
                "hours": _dec(hours),
                "sessions_attended": attended,
                "absences": absences,
                "last_attended_on": to_local(as_utc(last)).date().isoformat() if last else "",
            }
        )
    return rows


def _cell_text(value) -> str | int | Decimal:
    if isinstance(value, bool) or value is None:
        return spreadsheet_safe(value)
    if isinstance(value, int | Decimal):
        return value
    return spreadsheet_safe(value)


def to_csv(rows: list[dict], columns: list[Column]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow(
            [
                f"{v:.2f}" if isinstance(v, Decimal) else _cell_text(v)
                for v in (row.get(c.key, "") for c in columns)
            ]
        )
    return out.getvalue()


def to_xlsx(sheets: dict[str, tuple[list[dict], list[Column]]], notes: list[str]) -> bytes:
    """A workbook: a sheet of notes, one per table, and one defining every column."""
    book = Workbook(write_only=True)

    def text_cell(sheet, value):
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
        cell.data_type = "s"  # text, never a formula
        return cell

    def row_cells(sheet, values):
        out = []
        for value in values:
            value = _cell_text(value)
            if isinstance(value, Decimal):
                out.append(WriteOnlyCell(sheet, value=float(value)))
            elif isinstance(value, int):
                out.append(WriteOnlyCell(sheet, value=value))
            else:
                out.append(text_cell(sheet, value))
        return out

    readme = book.create_sheet("readme")
    for note in notes:
        readme.append([text_cell(readme, note)])
    definitions = []
    for name, (rows, columns) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([text_cell(sheet, c.key) for c in columns])
        for row in rows:
            sheet.append(row_cells(sheet, [row.get(c.key, "") for c in columns]))
        definitions += [(name, c) for c in columns]
    columns_sheet = book.create_sheet("columns")
    columns_sheet.append(
        [text_cell(columns_sheet, h) for h in ("sheet", "column", "label", "definition")]
    )
    for name, column in definitions:
        columns_sheet.append(
            [
                text_cell(columns_sheet, name),
                text_cell(columns_sheet, column.key),
                text_cell(columns_sheet, str(column.label)),
                text_cell(columns_sheet, str(column.definition)),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_notes(period: Period, scope: str, moment: datetime, suppressed: int | None) -> list:
    notes = [
        f"civic_app — {scope}",
        f"period: {period.start.isoformat()} – {period.end.isoformat()} (Europe/Rome)",
        f"generated: {to_local(moment).isoformat(timespec='minutes')}",
        "definitions: sheet 'columns'; docs/reports.md",
    ]
    if suppressed:
        notes.append(f"counts of people from 1 to {suppressed - 1} are shown as <{suppressed}")
    return notes
