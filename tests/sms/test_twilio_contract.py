"""The real twilio client against Twilio's own OpenAPI description, served by Prism on loopback.

Prism validates every request against the description (`--errors`: a request that does
not conform gets 422) and answers with the documented response.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from twilio.http.http_client import TwilioHttpClient

from civic_app.sms.gateways import GatewayError, TwilioGateway
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "twilio" / "twilio_api_v2010.json"
PRISM = ROOT / "node_modules" / ".bin" / "prism"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_prism(*options: str):
    """Prism on a free loopback port, serving Twilio's description (`--errors`: a request
    that breaks it gets 422); yields its base URL. `options`: e.g. "--dynamic"."""
    missing = [str(p) for p in (SPEC, PRISM) if not p.exists()]
    if missing or not shutil.which("node"):
        message = f"Prism or Twilio's description is missing: {missing or 'node'} (run npm install)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", *options, "--host", "127.0.0.1", "--port", str(port), "--errors",
         str(SPEC)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"Prism stopped: {process.stdout.read()}")
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("Prism did not start within 90 s")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism():
    yield from run_prism()


def gateway_for(app, base_url, **overrides):
    """The gateway as configured for a staging mock: TWILIO_API_BASE_URL points the real
    HTTP client at Prism instead of api.twilio.com."""
    config = {
        **app.config,
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32,
        "TWILIO_FROM_NUMBER": None,
        "PUBLIC_BASE_URL": "https://civic.example.org",
        "TWILIO_API_BASE_URL": base_url,
    } | overrides
    return TwilioGateway(config)


def test_a_message_with_a_messaging_service_conforms_to_twilios_api(app, prism):
    result = gateway_for(app, prism).send("+393471234567", "civic_app: il tuo codice è 123456.")
    assert isinstance(result.sid, str) and result.sid


def test_a_message_from_a_sender_number_conforms_too(app, prism):
    gateway = gateway_for(
        app, prism, TWILIO_MESSAGING_SERVICE_SID=None, TWILIO_FROM_NUMBER="+15005550006"
    )
    assert gateway.send("+33612345678", "Bonjour").sid


def test_a_request_that_breaks_the_contract_is_refused_and_not_retried(app, prism):
    # A status callback that is not a URL breaks the description: Prism answers 422,
    # which proves it checks what the client sends (and the mapping of a refusal).
    gateway = gateway_for(app, prism, PUBLIC_BASE_URL="not a url")
    with pytest.raises(GatewayError) as info:
        gateway.send("+393471234567", "Ciao")
    assert info.value.transient is False and info.value.code == "422"


def test_the_client_sends_its_credentials(app, prism):
    import requests

    unauthenticated = requests.post(
        f"{prism}/2010-04-01/Accounts/AC{'a' * 32}/Messages.json",
        data={"To": "+393471234567", "Body": "x"},
        timeout=10,
    )
    assert unauthenticated.status_code == 401
    assert gateway_for(app, prism).send("+393471234567", "x").sid  # the real client: 201


class ScriptedHttpClient(TwilioHttpClient):
    """Answers every request with a fixed status, or raises a network error."""

    def __init__(self, status: int | None = None, error: Exception | None = None):
        super().__init__()
        self.status, self.error = status, error

    def request(self, method, url, *args, **kwargs):
        from twilio.http.response import Response

        if self.error is not None:
            raise self.error
        body = f'{{"code": 20429, "message": "Too Many Requests", "status": {self.status}}}'
        return Response(self.status, body)


@pytest.mark.parametrize(
    ("client", "transient"),
    [
        (ScriptedHttpClient(status=429), True),
        (ScriptedHttpClient(status=500), True),
        (ScriptedHttpClient(status=503), True),
        (ScriptedHttpClient(status=400), False),
        (ScriptedHttpClient(error=requests.exceptions.Timeout()), True),
        (ScriptedHttpClient(error=requests.exceptions.ConnectionError()), True),
    ],
)
def test_failures_are_sorted_into_transient_and_permanent(app, client, transient):
    config = {**app.config, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32}  # fmt: skip
    with pytest.raises(GatewayError) as info:
        TwilioGateway(config, http_client=client).send("+393471234567", "x")
    assert info.value.transient is transient
