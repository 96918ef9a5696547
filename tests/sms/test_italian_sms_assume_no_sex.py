"""An SMS goes to a number: its Italian text must read right for a woman and a man alike.

The SMS templates take no sex, so a text addressed to the reader never uses a form that
agrees with one sex ("sei stato accettato", "Benvenuto", "Bravo!"): it says the same thing
in neutral wording ("la tua richiesta è stata accettata", "Ti diamo il benvenuto").
"""

import re

import pytest

from civic_app.sms.templates import TEMPLATES, TYPICAL_VALUES, render_sms

#: "sei <adjective or participle>" agrees with the reader; so do these exclamations.
ADDRESSED_TO_ONE_SEX = [
    re.compile(r"\bsei\s+(?:(?:già|ancora)\s+)?(?!già\b|ancora\b)\w+[oa]\b", re.IGNORECASE),
    # "il benvenuto" is the noun: "Ti diamo il benvenuto" says nothing of the reader.
    re.compile(r"\b(?<!il )(benvenut[oa]|brav[oa]|pront[oa] a|sicur[oa])\b", re.IGNORECASE),
]


@pytest.mark.parametrize("name", sorted(name for name in TEMPLATES if "it" in TEMPLATES[name]))
def test_no_italian_sms_takes_its_reader_for_a_man_or_a_woman(name):
    text = render_sms(name, "it", **TYPICAL_VALUES)
    for pattern in ADDRESSED_TO_ONE_SEX:
        assert not pattern.search(text), f"{name}: {text!r}"


def test_the_texts_that_used_to_assume_a_man_now_say_it_neutrally():
    assert 'la tua richiesta per "' in TEMPLATES["enrolment_accepted"]["it"]
    assert TEMPLATES["signup_done"]["it"].startswith("Ti diamo il benvenuto, {name}!")
    assert TEMPLATES["signup_birth_year"]["it"].startswith("Il tuo anno di nascita?")
    assert TEMPLATES["already_registered"]["it"].startswith("Sei già nel programma.")
    assert TEMPLATES["not_registered"]["it"].startswith("Non sei ancora nel programma.")
    assert TEMPLATES["half_target"]["it"].endswith("Ottimo lavoro!")
