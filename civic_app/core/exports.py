"""Helpers for files people open in a spreadsheet.

A text cell must never run as a formula, whatever the spreadsheet and its locale: Excel
set to Italian splits a CSV on `;` (and a file written for another separator may be cut
anywhere), so a value like `x;=2*3` would become a live `=2*3` cell there. Every text
field is therefore quoted, and a dangerous start is neutralised at the beginning of the
value and after every character where a spreadsheet may start a new cell.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

#: A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Where a spreadsheet may start a new cell: the separators of every locale's CSV (`,`
#: and `;`), tabs, line ends and quotes; spaces before a formula do not stop it.
_DANGEROUS = re.compile(r"(^|[,;\t\r\n\"])( *)(?=[=+\-@\t\r])")

#: `?sep=` of a CSV download: the comma (the default) or the semicolon for Excel in Italian.
SEPARATORS = {"comma": ",", "semicolon": ";"}

#: Excel reads a CSV as UTF-8 only when it starts with this mark.
BOM = "\ufeff"


def spreadsheet_safe(value, *, within: bool = True) -> str:
    """`value` as text a spreadsheet shows and never runs: a `'` before a formula's
    start, at the beginning and after every separator, tab, line end or quote.

    :param within: False for a cell typed as text (XLSX), which no spreadsheet splits:
        only its start is neutralised, the rest is left as written."""
    text = "" if value is None else str(value)
    if not within:
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return _DANGEROUS.sub(r"\1'\2", text)


def csv_separator(choice: str | None) -> str:
    """The separator a download asks for (`?sep=semicolon`); the comma otherwise."""
    return SEPARATORS.get(choice or "", ",")


def csv_cell(value, separator: str = ","):
    """A value as the CSV writer gets it: whole numbers as numbers, decimals with two
    places (and the decimal comma in the `;` file, as Excel in Italian reads them),
    everything else as safe text."""
    if isinstance(value, bool) or value is None:
        return spreadsheet_safe(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if separator == ";" else text
    return spreadsheet_safe(value)


def write_csv(rows: Iterable[Sequence], separator: str = ",") -> str:
    """CSV text of `rows` (the first one is the header): every text field quoted and
    neutralised; with `;` (Excel in Italian) it starts with a UTF-8 BOM."""
    out = io.StringIO()
    if separator == ";":
        out.write(BOM)
    writer = csv.writer(out, delimiter=separator, quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow([csv_cell(value, separator) for value in row])
    return out.getvalue()
