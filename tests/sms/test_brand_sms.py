"""SMS are signed with the configured brand, and every template keeps its segment budget
with the longest signature the configuration accepts."""

import pytest

from civic_app.core.brand import SMS_BRAND_CHARACTERS, SMS_BRAND_MAX, BrandError, load_brand
from civic_app.sms.costs import template_costs
from civic_app.sms.models import Direction, Message
from civic_app.sms.segments import GSM7_BASIC, count_segments
from civic_app.sms.templates import SMS_LANGUAGES, TEMPLATES, render_sms, typical_values
from tests.conftest import BRAND

SIGNATURE = BRAND["SMS_BRAND"]


def last_out(db, phone):
    return db.session.scalar(
        db.select(Message)
        .where(Message.phone == phone, Message.direction == Direction.OUT)
        .order_by(Message.id.desc())
    )


def test_no_template_names_the_site_literally():
    for name, texts in TEMPLATES.items():
        for language, text in texts.items():
            assert "civic_app" not in text, (name, language)


def test_the_login_code_is_signed_with_the_configured_brand(branded_client, db, create_participant):
    person = create_participant(preferred_language="it")
    response = branded_client.post_form("/login/phone", {"phone": person.phone})
    assert response.status_code == 302
    body = last_out(db, person.phone).body
    assert body.startswith(f"{SIGNATURE}: il tuo codice è ")
    assert "civic_app" not in body


def test_without_configuration_the_login_code_is_signed_civic_app(client, db, create_participant):
    person = create_participant(preferred_language="en")
    client.post_form("/login/phone", {"phone": person.phone})
    assert last_out(db, person.phone).body.startswith("civic_app: your code is ")


@pytest.mark.parametrize("language", SMS_LANGUAGES)
def test_a_reminder_rendered_in_the_branded_app_carries_the_signature(branded_app, language):
    values = typical_values(language)
    with branded_app.app_context():
        text = render_sms("reminder", language, **values)
    assert text.startswith(f"{SIGNATURE}: ")
    assert text == TEMPLATES["reminder"][language].format(**values | {"brand": SIGNATURE})


def test_the_signature_inside_a_text_is_the_brand_too(branded_app):
    with branded_app.app_context():
        assert render_sms("plan_ready", "it").endswith(f"nella tua pagina {SIGNATURE}.")
        assert f"sign it on {SIGNATURE}, on your page" in render_sms("plan_ready", "en")


def test_the_signature_characters_are_plain_gsm7():
    assert SMS_BRAND_CHARACTERS <= GSM7_BASIC


def test_every_template_keeps_its_budget_with_the_longest_signature_allowed():
    longest = "W" * SMS_BRAND_MAX
    load_brand({"SMS_BRAND": longest})  # accepted
    with pytest.raises(BrandError):
        load_brand({"SMS_BRAND": longest + "W"})
    rows = template_costs(brand=longest)
    assert sum(row.text.count(longest) for row in rows) > 200  # the signature is in them
    over = [(row.template, row.language, row.segments) for row in rows if row.over_budget]
    assert over == []


def test_a_reminder_with_the_longest_signature_costs_one_gsm7_segment_in_italian():
    longest = "W" * SMS_BRAND_MAX
    text = TEMPLATES["reminder"]["it"].format(**typical_values("it", longest))
    counted = count_segments(text)
    assert (counted.encoding, counted.segments) == ("GSM-7", 1)


def test_the_costs_on_the_staff_page_are_measured_with_the_configured_signature(branded_app):
    with branded_app.app_context():
        rows = template_costs()
    reminder = next(r for r in rows if (r.template, r.language) == ("reminder", "it"))
    assert reminder.text.startswith(f"{SIGNATURE}: ")
