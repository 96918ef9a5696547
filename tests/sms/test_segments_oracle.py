"""Our segment count against Twilio's own calculator (npm sms-segments-calculator).

tests/sms/segments_oracle.js runs the calculator's SegmentedMessage over every SMS
template in every language (with typical values, and with names and places written in
each script) and over a few thousand seeded-random strings of every script the
participants write in; count_segments must give the same encoding and segments for each.
Without node or the package the oracle test is skipped on a laptop and fails in CI
(`make node` installs the package from package-lock.json).
"""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from civic_app.sms.segments import count_segments
from civic_app.sms.templates import SMS_LANGUAGES, TEMPLATES, typical_values
from tests.conftest import required_service

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("segments_oracle.js")
PACKAGE = ROOT / "node_modules" / "sms-segments-calculator" / "package.json"
SEED = 20260304
PER_SCRIPT = 300

# Names and places as participants write them, in each script the templates carry.
NAMES = {
    "latin": ["Amina Diallo", "Çağrı Öztürk", "José Núñez", "François Lefèvre", "Zoë O’Brien"],
    "arabic": ["مُحَمَّد عَبْد الرَّحْمٰن", "فاطمة الزهراء بن علي", "عبدالله يوسف"],
    "bengali": ["মোহাম্মদ রফিকুল ইসলাম", "সুস্মিতা চট্টোপাধ্যায়", "শ্রীকান্ত ক্ষিতীশ", "রাজ্জাক"],
    "urdu": ["محمد عمران خان", "عائشہ صدیقی", "ڈاکٹر ٹیپو ظفر"],
    "cyrillic": ["Олександр Шевченко", "Ґалина Їжакевич", "Мар’яна Коваль"],
    "devanagari": ["श्रीनिवास त्रिपाठी", "क्षितिज प्रज्ञा"],
    "emoji": ["Amina 👩🏾‍🌾", "Ali 🇮🇹🇧🇩", "Team 👨‍👩‍👧‍👦"],
}


def _chars(first: int, last: int, *more: str) -> list[str]:
    return [chr(code) for code in range(first, last + 1)] + list(more)


GSM_BASIC = list(
    "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
) + ["\n", "\r", "\r\n"]
GSM_EXTENSION = list("€[]{}~^|\\\f")
LATIN_ACCENTED = list("áíóúâêîôûãõçœëïÿčšžłńőűąęøÁÍÓÚÂÊÔÇŒ’“”«»–…")
COMBINING = _chars(0x0300, 0x036F)
ARABIC_LETTERS = _chars(0x0621, 0x063A) + _chars(0x0641, 0x064A)
HARAKAT = _chars(0x064B, 0x0652, "\u0670")
ARABIC_MARKS = ["،", "؟", "؛", "ـ"] + _chars(0x0660, 0x0669)
URDU_LETTERS = ARABIC_LETTERS + list("ٹڈڑںھہۂیےۓپچژگکۃ")
BENGALI_CONSONANTS = _chars(0x0995, 0x09B9) + list("ড়ঢ়য়")
BENGALI_VOWELS = _chars(0x0985, 0x0994)
BENGALI_SIGNS = _chars(0x09BE, 0x09CC) + ["\u09d7"]  # vowel signs, some of them two
BENGALI_MODS = ["\u0981", "\u0982", "\u0983", "\u09bc"]  # chandrabindu, anusvara, visarga, nukta
BENGALI_OTHER = ["ৎ", "।", "৳"] + _chars(0x09E6, 0x09EF)
DEVANAGARI_CONSONANTS = _chars(0x0915, 0x0939)
DEVANAGARI_VOWELS = _chars(0x0905, 0x0914)
DEVANAGARI_SIGNS = _chars(0x093E, 0x094C)
DEVANAGARI_MODS = ["\u0901", "\u0902", "\u0903", "\u093c"]
CYRILLIC = _chars(0x0410, 0x044F, "Ґ", "ґ", "Є", "є", "І", "і", "Ї", "ї", "’", "'")
EMOJI = _chars(0x1F600, 0x1F64F) + _chars(0x1F300, 0x1F320) + list("❤☀✈⚽☕✅")
EMOJI_BASES = _chars(0x1F442, 0x1F450) + list("🙋🙏💪🤝🧑👶👦👧👨👩👮🏃🏊☝✌")
SKIN_TONES = _chars(0x1F3FB, 0x1F3FF)
ZWJ_SEQUENCES = [
    "👨‍👩‍👧‍👦", "👩‍💻", "🧑🏽‍🌾", "🏳️‍🌈", "❤️‍🔥", "👩‍❤️‍👨", "🧑🏻‍🤝‍🧑🏿", "🏴‍☠️",
    "👁️‍🗨️", "👨🏾‍⚕️", "🙋‍♀️", "🏃🏽‍♂️", "🐻‍❄️", "1️⃣", "#️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
]  # fmt: skip
FLAGS = _chars(0x1F1E6, 0x1F1FF)
SPACE = [" ", " ", " ", ".", ",", "!", "?", ":"] + list("0123456789")


def _bengali_syllable(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(BENGALI_VOWELS + BENGALI_OTHER)
    text = rng.choice(BENGALI_CONSONANTS)
    while rng.random() < 0.3:  # conjuncts: consonant, virama, consonant
        text += "\u09cd" + rng.choice(BENGALI_CONSONANTS)
    if rng.random() < 0.1:  # a virama at the end, or before a ZWJ/ZWNJ (ক্‍)
        text += "\u09cd" + rng.choice(["", "\u200d", "\u200c"])
    if rng.random() < 0.6:
        text += rng.choice(BENGALI_SIGNS)
    if rng.random() < 0.15:
        text += rng.choice(BENGALI_MODS)
    return text


def _devanagari_syllable(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(DEVANAGARI_VOWELS + ["।", "॥"])
    text = rng.choice(DEVANAGARI_CONSONANTS)
    if rng.random() < 0.1:
        text += "\u093c"
    while rng.random() < 0.3:
        text += "\u094d" + rng.choice(DEVANAGARI_CONSONANTS)
    if rng.random() < 0.6:
        text += rng.choice(DEVANAGARI_SIGNS)
    if rng.random() < 0.15:
        text += rng.choice(DEVANAGARI_MODS)
    return text


def _arabic_letter(rng: random.Random, letters: list[str]) -> str:
    text = rng.choice(letters)
    while rng.random() < 0.35:  # harakat, shadda with a vowel
        text += rng.choice(HARAKAT)
    return text


def _emoji(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(EMOJI) + rng.choice(["", "", "\ufe0f"])
    if kind < 0.55:
        return rng.choice(EMOJI_BASES) + rng.choice(SKIN_TONES + [""])
    if kind < 0.8:
        return rng.choice(ZWJ_SEQUENCES)
    if kind < 0.9:  # flags, and the odd regional indicator
        return "".join(rng.choice(FLAGS) for _ in range(rng.choice([1, 2, 2, 2, 3, 4])))
    # Sequences made up here: any emoji, skin tones and ZWJ in any order.
    parts = EMOJI + EMOJI_BASES + SKIN_TONES + ["\u200d", "\u200d", "\ufe0f"]
    return "".join(rng.choice(parts) for _ in range(rng.randint(2, 6)))


def _combining(rng: random.Random) -> str:
    text = rng.choice("aeiouAEIOUnscz")
    for _ in range(rng.choice([1, 1, 1, 2, 3, 4, 8])):
        text += rng.choice(COMBINING)
    return text


def _any_code_point(rng: random.Random) -> str:
    """Any code point but a surrogate: the calculator's whole character table, not ours."""
    while True:
        plane = rng.choice([0, 0, 0, 0, 1, 1, 2, 14])
        code = plane * 0x10000 + rng.randrange(0x10000)
        if plane == 14:
            code = 0xE0000 + rng.randrange(0x1000)
        if not 0xD800 <= code <= 0xDFFF:
            return chr(code)


MIXED = ("latin_accents", "arabic", "urdu", "bengali", "cyrillic", "emoji")

#: For each script: a piece of text (a letter, a cluster, a syllable) drawn at random.
SCRIPTS = {
    "gsm7": lambda rng: rng.choice(GSM_BASIC),
    "gsm7_extension": lambda rng: rng.choice(GSM_BASIC * 3 + GSM_EXTENSION),
    "latin_accents": lambda rng: rng.choice(GSM_BASIC * 8 + LATIN_ACCENTED),
    "combining": lambda rng: rng.choice([rng.choice(GSM_BASIC), _combining(rng)]),
    "arabic": lambda rng: (
        rng.choice(SPACE + ARABIC_MARKS)
        if rng.random() < 0.2
        else _arabic_letter(rng, ARABIC_LETTERS)
    ),
    "urdu": lambda rng: (
        rng.choice(SPACE + ["۔"]) if rng.random() < 0.2 else _arabic_letter(rng, URDU_LETTERS)
    ),
    "bengali": lambda rng: rng.choice(SPACE) if rng.random() < 0.15 else _bengali_syllable(rng),
    "devanagari": lambda rng: (
        rng.choice(SPACE) if rng.random() < 0.15 else _devanagari_syllable(rng)
    ),
    "cyrillic": lambda rng: (
        rng.choice(SPACE)
        if rng.random() < 0.15
        else rng.choice(CYRILLIC) + ("\u0301" if rng.random() < 0.05 else "")
    ),
    "emoji": lambda rng: rng.choice(GSM_BASIC) if rng.random() < 0.5 else _emoji(rng),
    "mixed": lambda rng: SCRIPTS[rng.choice(MIXED)](rng),
    "any": _any_code_point,
}


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _random_text(rng: random.Random, script: str) -> str:
    # Lengths around every boundary: 70/134/201 UTF-16 units, 160/306/459 septets.
    limit = rng.choice([60, 70, 75, 134, 140, 160, 201, 210, 306, 320, 459, 480])
    limit += rng.randint(-8, 8)
    text = ""
    while _utf16_units(text) < limit:
        text += SCRIPTS[script](rng)
    return text


def random_strings() -> list[str]:
    rng = random.Random(SEED)
    return [_random_text(rng, script) for script in SCRIPTS for _ in range(PER_SCRIPT)]


def template_strings() -> list[str]:
    """Every template in every language it has: with typical values, and with the name,
    place and project written in each script."""
    texts = []
    for name in sorted(TEMPLATES):
        for language in SMS_LANGUAGES:
            if language not in TEMPLATES[name]:
                continue
            template = TEMPLATES[name][language]
            values = typical_values(language)
            texts.append(template.format(**values))
            for names in NAMES.values():
                for who in names:
                    texts.append(
                        template.format(
                            **values | {"name": who, "project": who, "place": who, "title": who}
                        )
                    )
    return texts


def _node_and_package() -> None:
    if not shutil.which("node"):
        raise FileNotFoundError("node is not on PATH")
    if not PACKAGE.exists():
        raise FileNotFoundError(f"{PACKAGE} is missing (run npm ci)")


def twilio_counts(texts: list[str]) -> list[tuple[int, str]]:
    required_service(
        "Twilio's segment calculator (npm sms-segments-calculator)", str(PACKAGE), _node_and_package
    )
    result = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    return [tuple(count) for count in json.loads(result.stdout)]


def _compare(texts: list[str]) -> None:
    theirs = twilio_counts(texts)
    assert len(theirs) == len(texts)
    mismatches = []
    for text, (segments, encoding) in zip(texts, theirs, strict=True):
        ours = count_segments(text)
        if (ours.encoding, ours.segments) != (encoding, segments):
            mismatches.append(
                f"{text!r}: ours {ours.encoding} {ours.segments}, Twilio {encoding} {segments}"
            )
    assert not mismatches, (
        f"{len(mismatches)} of {len(texts)} strings counted otherwise than Twilio's "
        "calculator; the first ones:\n" + "\n".join(mismatches[:10])
    )


def test_every_template_counts_as_twilio_counts_it():
    texts = template_strings()
    assert len(texts) > 1000
    _compare(texts)


def test_random_strings_of_every_script_count_as_twilio_counts_them():
    texts = random_strings()
    assert len(texts) == PER_SCRIPT * len(SCRIPTS)
    # They reach past one segment and into UCS-2 often enough to test the packing.
    counted = [count_segments(text) for text in texts]
    assert sum(c.encoding == "UCS-2" and c.segments >= 3 for c in counted) > 500
    assert sum(c.encoding == "GSM-7" and c.segments >= 2 for c in counted) > 300
    _compare(texts)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        # 134 units fill two parts of 67 when split by code point; the cluster কি (a
        # consonant and its vowel sign) goes whole into the second, so a third is needed.
        ("a" * 66 + "কি" + "a" * 66, 3),
        ("a" * 66 + "ক" + "a" * 67, 2),
        # A ZWJ sequence (11 units) is one cluster too; so is an emoji with its skin tone.
        ("a" * 60 + "👨‍👩‍👧‍👦" + "a" * 63, 3),
        ("a" * 65 + "👍🏽" + "a" * 65, 3),
        # The calculator's splitter (Unicode 10) splits a conjunct after the virama: ক্ + ষ.
        ("a" * 65 + "ক্ষ" + "a" * 66, 2),
    ],
)
def test_a_cluster_that_does_not_fit_starts_the_next_segment(text, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == ("UCS-2", segments)
