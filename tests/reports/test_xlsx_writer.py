"""The streaming XLSX writer: what a spreadsheet reads back is what was written."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from civic_app.reports.xlsx import write_workbook


def _book(sheets, **kw):
    return load_workbook(io.BytesIO(write_workbook(sheets, creator="civic", title="T", **kw)))


def test_numbers_stay_numbers_and_text_stays_text():
    book = _book(
        [
            ("a", [["name", "hours", "count"], ["=1+1", Decimal("12.50"), 3], ["", 0.5, 0]]),
            ("b", [[" spaced ", "<&>\"'", "bell\x07"]]),
        ]
    )
    assert book.sheetnames == ["a", "b"]
    rows = [[(c.value, c.data_type) for c in row] for row in book["a"].iter_rows()]
    assert rows[0] == [("name", "s"), ("hours", "s"), ("count", "s")]
    assert rows[1] == [("=1+1", "s"), (12.5, "n"), (3, "n")]  # a text, never a formula
    assert rows[2][0][0] is None and rows[2][1:] == [(0.5, "n"), (0, "n")]
    assert [c.value for c in book["b"][1]] == [" spaced ", "<&>\"'", "bell"]


def test_properties_name_the_creator_and_the_title():
    book = _book([("readme", [["x"]])])
    assert book.properties.creator == "civic"
    assert book.properties.title == "T"


def test_a_large_sheet_is_written_whole():
    rows = [[f"m{i}", i, Decimal(i) / 4] for i in range(5000)]
    sheet = _book([("big", rows)])["big"]
    assert sheet.max_row == 5000
    assert [c.value for c in sheet[5000]] == ["m4999", 4999, 1249.75]
