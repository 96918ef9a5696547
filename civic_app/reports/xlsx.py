"""A streaming XLSX writer for the fund's files: rows in, an Office Open XML workbook out.

The network's file has some 60,000 rows (half a million cells). openpyxl, even in its
write-only mode, builds an XML element per cell (seconds at that size; XlsxWriter is not
a dependency), so the sheets are written here as text, row by row, into the zip: numbers
as numbers, every other value as an inline string (text, never a formula). Only what
the fund's files use is written: sheets of values, the creator and the title.
"""

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

#: Characters XML 1.0 cannot hold (a spreadsheet could not open the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OOXML = "http://schemas.openxmlformats.org"
_PACKAGE = _OOXML + "/package/2006"
_RELATION = _OOXML + "/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-"
_SPREADSHEET = _TYPE + "officedocument.spreadsheetml"

_CONTENT_TYPES = (
    _XML + f'<Types xmlns="{_PACKAGE}/content-types">'
    f'<Default Extension="rels" ContentType="{_TYPE}package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SPREADSHEET}.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    f'ContentType="{_TYPE}package.core-properties+xml"/>'
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    f'ContentType="{_SPREADSHEET}.worksheet+xml"/>'
)
_RELS = (
    _XML + f'<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATION}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/></Relationships>'
)
_CORE = (
    _XML + f'<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>{creator}</dc:creator><dc:title>{title}</dc:title>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
    "</cp:coreProperties>"
)
_WORKBOOK = (
    _XML + f'<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_RELATION}">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PACKAGE}/relationships">'
    "{sheets}"
    f'<Relationship Id="rIdStyles" Type="{_RELATION}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_SHEET_RELATION = (
    '<Relationship Id="rId{n}" Type="' + _RELATION + '/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _cell(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, Decimal):
        return f"<c><v>{value:f}</v></c>"
    text = _text(str(value))
    if not text:
        return '<c t="inlineStr"/>'  # an empty cell
    if text != text.strip():
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _rows_xml(rows: Iterable[Iterable]) -> Iterable[str]:
    cell = _cell
    for number, row in enumerate(rows, 1):
        yield f'<row r="{number}">{"".join([cell(v) for v in row])}</row>'


def write_workbook(
    sheets: Iterable[tuple[str, Iterable[Iterable]]], *, creator: str, title: str
) -> bytes:
    """The workbook of `sheets` ((name, rows of values) in order) as XLSX bytes.

    Numbers (int, Decimal, float) are numbers; everything else is written as text."""
    out = io.BytesIO()
    names = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for number, (name, rows) in enumerate(sheets, 1):
            names.append(name)
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                chunk = [_SHEET_HEAD]
                for row in _rows_xml(rows):
                    chunk.append(row)
                    if len(chunk) >= 2000:
                        part.write("".join(chunk).encode())
                        chunk = []
                chunk.append(_SHEET_TAIL)
                part.write("".join(chunk).encode())
        numbers = range(1, len(names) + 1)
        book.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES + "".join(_SHEET_TYPE.format(n=n) for n in numbers) + "</Types>",
        )
        book.writestr("_rels/.rels", _RELS)
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        book.writestr(
            "docProps/core.xml",
            _CORE.format(creator=_text(creator), title=_text(title), created=created),
        )
        book.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{_text(name[:31])}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in zip(numbers, names, strict=True)
                )
            ),
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="".join(_SHEET_RELATION.format(n=n) for n in numbers)),
        )
        book.writestr("xl/styles.xml", _STYLES)
    return out.getvalue()
