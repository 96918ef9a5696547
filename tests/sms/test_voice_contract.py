"""Calls placed by the real twilio client against Twilio's OpenAPI description (Prism on
loopback, as in test_twilio_contract.py): Prism validates the Calls create request."""

from urllib.parse import parse_qs

import pytest
from twilio.http.http_client import TwilioHttpClient

from civic_app.sms.gateways import GatewayError, TwilioGateway
from civic_app.sms.voice import call_token
from tests.sms.test_twilio_contract import gateway_for, prism  # noqa: F401 - the fixture

NUMBER = "+393471234567"


@pytest.fixture(autouse=True)
def _public_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://civic.example.org")


def test_a_call_conforms_to_twilios_api(app, prism):  # noqa: F811
    gateway = gateway_for(app, prism, TWILIO_FROM_NUMBER="+15005550006")
    with app.app_context():
        result = gateway.send(NUMBER, "civic_app: gio 5/03 09:00", ref=42, channel="voice")
    assert isinstance(result.sid, str) and result.sid


def test_a_call_from_the_voice_number_with_a_messaging_service_for_sms(app, prism, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "VOICE_FROM_NUMBER", "+15005550006")
    with app.app_context():
        assert gateway_for(app, prism).send(NUMBER, "x", ref=7, channel="voice").sid


def test_a_call_request_that_breaks_the_contract_is_refused_for_good(app, prism, monkeypatch):  # noqa: F811
    # TwiML and status URLs that are not URLs break the description: Prism answers 422,
    # which proves it checks what the client sends.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "not a url")
    monkeypatch.setitem(app.config, "VOICE_FROM_NUMBER", "+15005550006")
    with app.app_context(), pytest.raises(GatewayError) as info:
        gateway_for(app, prism).send(NUMBER, "x", ref=7, channel="voice")
    assert (info.value.transient, info.value.code) == (False, "422")


def test_the_call_names_only_our_signed_urls(app, monkeypatch):
    sent = {}

    class Capturing(TwilioHttpClient):
        def request(self, method, url, params=None, data=None, *args, **kwargs):
            from twilio.http.response import Response

            sent.update(url=url, **data)
            return Response(201, '{"sid": "CA' + "c" * 32 + '"}')

    config = {**app.config, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_FROM_NUMBER": "+15005550006"}  # fmt: skip
    with app.app_context():
        sid = TwilioGateway(config, http_client=Capturing()).send(NUMBER, "x", ref=42,
                                                                  channel="voice").sid  # fmt: skip
        token = call_token(42)
    assert sid == "CA" + "c" * 32 and sent["url"].endswith("/Calls.json")
    assert (sent["To"], sent["From"]) == (NUMBER, "+15005550006")
    assert sent["Url"] == f"https://civic.example.org/voice/call?m=42&t={token}"
    assert sent["StatusCallback"] == f"https://civic.example.org/voice/status?m=42&t={token}"
    assert parse_qs(sent["Url"].split("?", 1)[1]) == {"m": ["42"], "t": [token]}
    assert "x" not in sent.values()  # the text is never sent: the TwiML endpoint says it


def test_without_a_caller_number_or_public_url_a_call_fails_for_good(app, monkeypatch):
    config = {**app.config, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32}  # fmt: skip
    with app.app_context(), pytest.raises(GatewayError) as info:
        TwilioGateway(config).send(NUMBER, "x", ref=1, channel="voice")
    assert info.value.transient is False and info.value.code == "voice_unconfigured"
