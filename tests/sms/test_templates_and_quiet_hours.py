from datetime import UTC, datetime

import pytest

from civic_app.sms.costs import budget, template_costs
from civic_app.sms.models import Message
from civic_app.sms.operations import queue_sms
from civic_app.sms.quiet import not_before
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import (
    GSM_LANGUAGES,
    MULTILINGUAL,
    SMS_LANGUAGES,
    TEMPLATES,
    TYPICAL_VALUES,
    render_sms,
    typical_values,
)

UCS2_LANGUAGES = ("ar", "bn", "ur", "uk")


@pytest.mark.parametrize("name", sorted(set(TEMPLATES) - MULTILINGUAL))
def test_every_template_speaks_every_language(name):
    assert set(TEMPLATES[name]) == set(SMS_LANGUAGES)
    for language in TEMPLATES[name]:
        assert render_sms(name, language, **TYPICAL_VALUES)


@pytest.mark.parametrize("language", SMS_LANGUAGES)
def test_reminders_cost_one_segment_in_gsm_languages_and_two_at_most_otherwise(language):
    for name in ("reminder", "event_invite", "event_reminder", "offer", "session_cancelled"):
        text = TEMPLATES[name][language].format(**typical_values(language))
        counted = count_segments(text)
        if language in GSM_LANGUAGES:
            assert (counted.encoding, counted.segments) == ("GSM-7", 1), name
        else:
            assert (counted.encoding, counted.segments) in {("UCS-2", 1), ("UCS-2", 2)}, name


def test_italian_english_french_and_spanish_texts_stay_in_gsm7():
    for name, texts in TEMPLATES.items():
        for language in GSM_LANGUAGES:
            if language in texts and name not in MULTILINGUAL:
                text = texts[language].format(**typical_values(language))
                assert count_segments(text).encoding == "GSM-7", (name, language)


def test_every_text_keeps_within_its_budget():
    """1 GSM-7 segment (it, en, fr, es) or 2 UCS-2 segments (ar, bn, ur, uk); the help and
    the sign-up texts that carry a name one more."""
    assert budget("reminder", "es") == 1 and budget("reminder", "bn") == 2
    assert budget("signup_confirm", "fr") == 2 and budget("signup_confirm", "uk") == 3
    over = [
        (row.template, row.language, row.segments) for row in template_costs() if row.over_budget
    ]
    assert over == []


def test_the_templates_command_lists_every_template_and_language(app):
    for command in ("templates", "segments"):  # "segments" is its former name
        result = app.test_cli_runner().invoke(args=["sms", command])
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert lines[0].split() == [
            "template", "lang", "encoding", "chars", "units", "segments", "budget"
        ]  # fmt: skip
        listed = {(line.split()[0], line.split()[1]): line.split()[2:] for line in lines[1:]}
        assert ("reminder", "ar") in listed and ("login_code", "fr") in listed
        assert len(listed) == sum(len(texts) for texts in TEMPLATES.values())
        for language in UCS2_LANGUAGES:
            encoding, chars, units, segments, budget_ = listed[("reminder", language)][:5]
            assert encoding == "UCS-2" and chars == units and int(segments) <= int(budget_) == 2
        assert listed[("reminder", "es")][0] == "GSM-7"
        assert "OVER BUDGET" not in result.output


ROME_22 = datetime(2026, 3, 4, 21, 0, tzinfo=UTC)  # 22:00 in Rome (winter)


def test_non_urgent_messages_wait_for_the_end_of_quiet_hours(db, municipality):
    reminder = queue_sms(phone="+393471234567", body="x", kind="reminder", now=ROME_22,
                         municipality_id=municipality.id)  # fmt: skip
    code = queue_sms(phone="+393471234567", body="y", kind="login_code", now=ROME_22,
                     urgent=True, municipality_id=municipality.id)  # fmt: skip
    assert reminder.next_attempt_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 Rome
    assert code.next_attempt_at == ROME_22
    assert reminder.segments == 1


def test_quiet_hours_are_set_per_municipality(db, create_municipality):
    night_owls = create_municipality(quiet_start="23:30", quiet_end="07:00")
    message = queue_sms(phone="+393471234567", body="x", kind="reminder", now=ROME_22,
                        municipality_id=night_owls.id)  # fmt: skip
    assert message.next_attempt_at == ROME_22
    assert not_before(datetime(2026, 3, 4, 23, 0, tzinfo=UTC), night_owls) == datetime(
        2026, 3, 5, 6, 0, tzinfo=UTC
    )
    assert not_before(datetime(2026, 7, 1, 4, 0, tzinfo=UTC)) == datetime(
        2026, 7, 1, 6, 0, tzinfo=UTC
    )


def test_a_retry_does_not_land_in_quiet_hours(db, municipality, gateway):
    from civic_app.sms.dispatcher import dispatch_due

    just_before = datetime(2026, 3, 4, 19, 59, 50, tzinfo=UTC)  # 20:59:50 in Rome
    message = queue_sms(phone="+393471234567", body="x", kind="reminder", now=just_before,
                        municipality_id=municipality.id)  # fmt: skip
    db.session.commit()
    gateway.fail_next("503", transient=True)
    dispatch_due(gateway, just_before)
    assert db.session.get(Message, message.id).next_attempt_at == datetime(
        2026, 3, 5, 7, 0, tzinfo=UTC
    )
