"""Writing exports: CSV and XLSX from rows and columns, and the notes that go with them.

The tables are `fund_tables` (the fund's aggregates) and `participant_list` (per
participant, for a municipality's own staff); every column is defined once in
`columns`, and docs/reports.md documents the same keys (a test keeps the two in step).
Text cells are neutralised so that no spreadsheet runs them as formulas; XLSX cells are
also typed as text.
"""

import io
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from civic_app.core.brand import current_brand
from civic_app.core.exports import spreadsheet_safe, write_csv
from civic_app.core.timeutil import to_local
from civic_app.reports.columns import Column
from civic_app.reports.period import Period


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
    properties name the brand (creator) and the first note (title)."""
    book = Workbook(write_only=True)
    book.properties.creator = current_brand().name
    book.properties.title = notes[0] if notes else current_brand().name

    def text_cell(sheet, value):
        cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value, within=False))
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
