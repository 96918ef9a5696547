"""Writing exports: CSV and XLSX from rows and columns, and the notes that go with them.

The tables are `fund_tables` (the fund's aggregates) and `participant_list` (per
participant, for a municipality's own staff); every column is defined once in
`columns`, and docs/reports.md documents the same keys (a test keeps the two in step).
Text cells are neutralised so that no spreadsheet runs them as formulas; XLSX cells are
also typed as text.
"""

from datetime import datetime
from decimal import Decimal

from civic_app.core.brand import current_brand
from civic_app.core.exports import spreadsheet_safe, write_csv
from civic_app.core.timeutil import to_local
from civic_app.reports.columns import Column
from civic_app.reports.period import Period
from civic_app.reports.xlsx import write_workbook


def _cell_text(value) -> str | int | Decimal:
    """An XLSX cell's value: numbers as numbers, the rest as text typed as text."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value
    return spreadsheet_safe(value, within=False)


def to_csv(rows: list[dict], columns: list[Column], separator: str = ",") -> str:
    """One table as CSV: text quoted and neutralised; `;` (Excel in Italian) with a BOM
    and decimal commas (core/exports.py)."""
    header = [c.key for c in columns]
    return write_csv([header, *([row.get(c.key, "") for c in columns] for row in rows)], separator)


def to_xlsx(sheets: dict[str, tuple[list[dict], list[Column]]], notes: list[str]) -> bytes:
    """A workbook: a sheet of notes, one per table, and one defining every column. Its
    properties name the brand (creator) and the first note (title). Written as it goes
    (reports.xlsx): the network's file has half a million cells."""

    def text(value) -> str:
        return spreadsheet_safe(value, within=False)

    def table(rows, columns):
        yield [text(c.key) for c in columns]
        for row in rows:
            yield [_cell_text(row.get(c.key, "")) for c in columns]

    definitions = [
        [text(name), text(c.key), text(str(c.label)), text(str(c.definition))]
        for name, (_rows, columns) in sheets.items()
        for c in columns
    ]
    parts = [
        ("readme", ([text(note)] for note in notes)),
        *((name, table(rows, columns)) for name, (rows, columns) in sheets.items()),
        ("columns", [[text(h) for h in ("sheet", "column", "label", "definition")], *definitions]),
    ]
    brand = current_brand()
    return write_workbook(parts, creator=brand.name, title=notes[0] if notes else brand.name)


def export_notes(period: Period, scope: str, moment: datetime, suppressed: int | None) -> list:
    brand = current_brand()
    notes = [
        f"{brand.name} — {scope}",
        *([f"network: {brand.network}"] if brand.network else []),
        f"period: {period.start.isoformat()} – {period.end.isoformat()} (Europe/Rome)",
        f"generated: {to_local(moment).isoformat(timespec='minutes')}",
        "definitions: sheet 'columns'; docs/reports.md",
    ]
    if suppressed:
        notes.append(f"counts of people from 1 to {suppressed - 1} are shown as <{suppressed}")
        notes.append(
            f"x: hidden, as the hours, marks, euro or occupancy of fewer than {suppressed} "
            f"people are, or so that a hidden count cannot be computed back from a total "
            f"(docs/reports.md)"
        )
    return notes
