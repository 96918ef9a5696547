"""Sending exports: the formats, the fund's file from its tables, the audit of every export."""

from flask import Response, abort, request

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.exports import csv_separator
from civic_app.extensions import db
from civic_app.reports.columns import TABLES
from civic_app.reports.exports import export_notes, to_csv, to_xlsx

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(body, fmt: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


def fund_response(tables, period, fmt, slug, scope, suppress_below):
    table = fund_table_name(fmt)
    body, rows_total = fund_body(
        tables, period, fmt, table, scope, suppress_below, now(), separator_asked()
    )
    return send_fund(body, rows_total, period, fmt, table, slug)


def fund_table_name(fmt: str) -> str:
    table = request.args.get("table", "sector_month")
    if fmt == "csv" and table not in TABLES:
        abort(404)
    return table


def separator_asked() -> str:
    """The CSV separator the link asks for: `?sep=semicolon` for Excel in Italian."""
    return csv_separator(request.args.get("sep"))


def fund_body(tables, period, fmt, table, scope, suppress_below, generated, separator=","):
    """(file body, number of rows) of the fund's tables in `fmt`.

    The tables are written as given: for coordinators they come protected already
    (reports.protection); `suppress_below` only says so in the notes."""
    rows_total = sum(len(rows) for rows in tables.values())
    if fmt == "csv":
        return to_csv(tables[table], TABLES[table], separator), rows_total
    order = ("sector_month", "month", "intake", "housing", "breakdowns")
    body = to_xlsx(
        {name: (tables.get(name, []), TABLES[name]) for name in order},
        export_notes(period, scope, generated, suppress_below),
    )
    return body, rows_total


def send_fund(body, rows_total, period, fmt, table, slug):
    record("report.exported", details={"kind": "fund", "format": fmt, "rows": rows_total})
    db.session.commit()
    filename = f"civic-fund-{slug}-{period.start.isoformat()}-{period.end.isoformat()}"
    if fmt == "csv":
        return download(body, fmt, f"{filename}-{table}")
    return download(body, fmt, filename)
