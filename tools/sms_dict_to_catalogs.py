"""Turn the SMS texts dict (`TEMPLATES`: key -> language -> text) into gettext catalogs.

Writes civic_app/sms/texts.py (the Italian source texts, marked with `sms_text` for
pybabel), civic_app/translations/sms.pot (by the same extraction as `flask translate
extract`) and civic_app/translations/<lang>/LC_MESSAGES/sms.po for every SMS language:
msgctxt = the template key, msgid = the Italian text, msgstr = the language's text.

Re-runnable. The texts come from a three-way merge: the base is tools/sms_templates_dict.py
(the dict before the move); every `--from SOURCE` (a file, or REV:PATH read with
`git show`, e.g. `--from other-branch:civic_app/sms/templates.py`) contributes what it
changed against the base: new templates, new languages, changed or removed texts. Two
sources changing the same text differently is an error. The output depends only on the
base and the sources, so run it again with all of them at once:

    .venv/bin/python tools/sms_dict_to_catalogs.py \\
        --from reach-whatsapp:civic_app/sms/templates.py \\
        --from reach-join:civic_app/sms/templates.py

Then `.venv/bin/pytest tests/sms` checks budgets and placeholders over every catalog entry.
"""

import argparse
import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tools" / "sms_templates_dict.py"
TEXTS = ROOT / "civic_app" / "sms" / "texts.py"
TRANSLATIONS = ROOT / "civic_app" / "translations"
LANGUAGES = ("it", "en", "fr", "ar", "es", "bn", "ur", "uk")
WIDTH = 84  # of a string piece in texts.py (the line stays under ruff's 100)
_KEY_LINE = re.compile(r'^    "(\w+)": \{')
_COMMENT_LINE = re.compile(r"^    # ?(.*)$")


def read_source(spec: str) -> str:
    path = Path(spec)
    if path.exists():
        return path.read_text(encoding="utf-8")
    if ":" in spec:
        return subprocess.run(  # noqa: S603 - the lead's own arguments
            ["git", "show", spec],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    raise SystemExit(f"no such source: {spec}")


def parse(source: str) -> tuple[dict[str, dict[str, str]], dict[str, list[str]], set[str]]:
    """TEMPLATES, the comment lines written above each key, and MULTILINGUAL."""
    templates, multilingual = None, set()
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        name = getattr(target, "id", None)
        if name == "TEMPLATES":
            templates = ast.literal_eval(node.value)
        elif name == "MULTILINGUAL":
            multilingual = set(ast.literal_eval(node.value.args[0]))
    if templates is None:
        raise SystemExit("no TEMPLATES dict in a source")
    comments, pending = {}, []
    for line in source.splitlines():
        if match := _COMMENT_LINE.match(line):
            pending.append(match.group(1))
        elif match := _KEY_LINE.match(line):
            comments[match.group(1)], pending = pending, []
        elif line.strip():
            pending = []
    return templates, comments, multilingual


def merge(base: dict, sources: list[dict]) -> dict[str, dict[str, str]]:
    """Base plus every source's own changes against it; conflicting changes stop."""
    merged = {key: dict(texts) for key, texts in base.items()}
    changed_by: dict[tuple[str, str], str] = {}
    for source in sources:
        for key in set(base) - set(source):
            merged.pop(key, None)
        for key, texts in source.items():
            entry = merged.setdefault(key, {})
            for language in set(base.get(key, {})) - set(texts):
                entry.pop(language, None)
            for language, text in texts.items():
                if base.get(key, {}).get(language) == text:
                    continue
                previous = changed_by.get((key, language))
                if previous is not None and previous != text:
                    raise SystemExit(f"two sources change {key}/{language} differently")
                changed_by[key, language] = text
                entry[language] = text
    return {key: texts for key, texts in merged.items() if "it" in texts}


def pieces(text: str) -> list[str]:
    """`text` cut after spaces into pieces of at most WIDTH characters (as repr)."""
    out, current = [], ""
    for word in re.split(r"(?<= )", text):
        if current and len(repr(current + word)) > WIDTH:
            out.append(current)
            current = ""
        current += word
    out.append(current)
    return [_quote(piece) for piece in out]


def _quote(piece: str) -> str:
    if '"' in piece and "'" not in piece:
        return repr(piece)
    return '"' + piece.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _longer() -> set[str]:
    """costs.LONGER (templates allowed one segment more), read without importing the app."""
    for node in ast.parse((ROOT / "civic_app" / "sms" / "costs.py").read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "LONGER":
            return set(ast.literal_eval(node.value.args[0]))
    return set()


def budget_note(key: str, multilingual: set[str]) -> list[str]:
    if key in multilingual:
        return ["TRANSLATORS: written once for every language: copy it unchanged."]
    gsm, ucs = 1 + (key in _longer()), 2 + (key in _longer())
    return [
        f"TRANSLATORS: {gsm} GSM-7 segment(s) in it/en/fr/es (no á í ó ú), "
        f"{ucs} UCS-2 in ar/bn/ur/uk",
        "with the values filled in and {brand} up to 16 characters; keep each {field}.",
    ]


def write_texts(templates: dict, comments: dict, multilingual: set[str]) -> None:
    lines = [
        '"""The Italian source texts of every SMS, one `sms_text(key, italian)` each: the',
        "msgctxt and msgid of the `sms` gettext domain (civic_app/translations/<lang>/",
        "LC_MESSAGES/sms.po). Generated by tools/sms_dict_to_catalogs.py; after the merges it",
        "is edited by hand like any source (then `flask translate update`).",
        '"""',
        "",
        "",
        "def sms_text(key: str, italian: str) -> tuple[str, str]:",
        '    """Marks an SMS text for pybabel (keyword `sms_text:1c,2`)."""',
        "    return key, italian",
        "",
        "",
        f"MULTILINGUAL = frozenset({sorted(multilingual)!r})".replace("[", "{").replace("]", "}"),
        "",
        "SOURCES: dict[str, str] = dict(",
        "    [",
    ]
    for key, texts in templates.items():
        for comment in comments.get(key, []):
            lines += ["        # " + part for part in textwrap.wrap(comment, 88)]
        lines += ["        # " + part for part in budget_note(key, multilingual)]
        text = "\n            ".join(pieces(texts["it"]))
        lines.append(f'        sms_text("{key}", {text}),')
    lines += ["    ]", ")", ""]
    TEXTS.write_text("\n".join(lines), encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "format", "-q", str(TEXTS)], check=True)  # noqa: S603


def write_catalogs(templates: dict, multilingual: set[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from civic_app.cli import SMS_POT, extract_sms

    extract_sms(SMS_POT)
    with open(SMS_POT, "rb") as pot:
        template = read_po(pot)
    for language in LANGUAGES:
        catalog = Catalog(locale=language, domain="sms", project="civic_app SMS", fuzzy=False)
        for message in template:
            if not message.id:
                continue
            key, italian = message.context, message.id
            texts = templates[key]
            text = italian if language == "it" or key in multilingual else texts.get(language)
            catalog.add(italian, text or "", context=key, auto_comments=message.auto_comments)
        folder = TRANSLATIONS / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "sms.po", "wb") as out:
            write_po(out, catalog, width=0, omit_header=False, sort_output=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="sources", action="append", default=[])
    args = parser.parse_args(argv)
    base, comments, multilingual = parse(BASE.read_text(encoding="utf-8"))
    parsed = [parse(read_source(spec)) for spec in args.sources]
    for _templates, more_comments, more_multilingual in parsed:
        comments = more_comments | comments
        multilingual |= more_multilingual
    templates = merge(base, [templates for templates, _c, _m in parsed])
    write_texts(templates, comments, multilingual)
    write_catalogs(templates, multilingual)
    print(f"{len(templates)} SMS templates: texts.py, sms.pot and {len(LANGUAGES)} sms.po written")


if __name__ == "__main__":
    main()
