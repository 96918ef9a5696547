"""TWILIO_API_BASE_URL points the real twilio client at a staging mock: every request it
would send to https://api.twilio.com goes to that base URL instead, by configuration."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from civic_app.sms.gateways import TwilioGateway, build_gateway
from config import ProductionConfig

ACCOUNT = "AC" + "a" * 32


class MockTwilio(BaseHTTPRequestHandler):
    """Answers a message creation as Twilio does (201 and the message), noting the request."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.server.seen.append(
            {"path": self.path, "form": parse_qs(body), "auth": self.headers.get("Authorization")}
        )
        answer = json.dumps({"sid": "SM" + "c" * 32, "status": "queued", "account_sid": ACCOUNT})
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def mock_twilio():
    server = ThreadingHTTPServer(("127.0.0.1", 0), MockTwilio)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def settings(app, **overrides):
    return {
        **app.config,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32,
        "PUBLIC_BASE_URL": "https://civic.example.org",
    } | overrides


@pytest.mark.parametrize("suffix", ["", "/"])
def test_with_the_setting_the_gateway_sends_to_that_base_url(app, mock_twilio, suffix):
    base = f"http://127.0.0.1:{mock_twilio.server_port}{suffix}"
    gateway = build_gateway(settings(app, TWILIO_API_BASE_URL=base))
    assert isinstance(gateway, TwilioGateway)

    result = gateway.send("+393471234567", "Il tuo codice è 123456.", ref=42)

    assert result.sid == "SM" + "c" * 32
    [request] = mock_twilio.seen
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["form"]["To"] == ["+393471234567"]
    assert request["form"]["StatusCallback"] == ["https://civic.example.org/sms/status?m=42"]
    assert request["auth"].startswith("Basic ")  # the credentials go with it, as to Twilio


def test_without_the_setting_the_gateway_talks_to_twilio_itself(app, monkeypatch):
    from twilio.http.http_client import TwilioHttpClient
    from twilio.http.response import Response

    hosts = []

    def answer(self, method, url, *args, **kwargs):
        hosts.append(url.split("/")[2])
        return Response(201, json.dumps({"sid": "SM" + "d" * 32}))

    monkeypatch.setattr(TwilioHttpClient, "request", answer)
    build_gateway(settings(app, TWILIO_API_BASE_URL=None)).send("+393471234567", "Ciao")
    assert hosts == ["api.twilio.com"]


def test_production_refuses_a_base_url_that_is_no_url():
    config = type("Prod", (ProductionConfig,), {"TWILIO_API_BASE_URL": "twilio-mock:4010"})
    assert any("TWILIO_API_BASE_URL" in problem for problem in config.check())
