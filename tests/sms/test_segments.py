import pytest

from civic_app.sms.segments import count_segments, is_gsm7


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("a" * 158 + "€", "GSM-7", 160, 1),  # € takes two septets
        ("a" * 159 + "€", "GSM-7", 161, 2),
        # An escape pair is never split: 152 + € would need 154 septets in segment one.
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 164, 2),
        ("a" * 152 + "€" + "a" * 153, "GSM-7", 307, 3),
        ("Cura del verde: martedì 09:00, Via Roma 1. Rispondi 1=SI 2=NO", "GSM-7", 61, 1),
        ("ç", "UCS-2", 1, 1),  # lower-case ç is not in GSM-7 (upper-case Ç is)
        ("ب" * 70, "UCS-2", 70, 1),
        ("ب" * 71, "UCS-2", 71, 2),
        ("ب" * 134, "UCS-2", 134, 2),
        ("ب" * 135, "UCS-2", 135, 3),
        ("😀" * 35, "UCS-2", 70, 1),  # emoji are two UTF-16 units
        ("😀" * 36, "UCS-2", 72, 2),
        ("a" * 66 + "😀", "UCS-2", 68, 1),
        ("a" * 66 + "😀" + "aaa", "UCS-2", 71, 2),
        ("Привіт", "UCS-2", 6, 1),
    ],
)
def test_known_vectors(text, encoding, units, segments):
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_gsm7_knows_its_extension_table():
    assert is_gsm7("[]{}~^|€\\")
    assert not is_gsm7("«»")
    assert not is_gsm7("’")  # the typographic apostrophe forces UCS-2
