import pytest
from twilio.request_validator import RequestValidator

TOKEN = "test-auth-token"
PUBLIC = "https://civic.example.org"


@pytest.fixture
def twilio_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    return app


@pytest.fixture
def twilio_post(client, twilio_app):
    """POST as Twilio does: form fields signed with the auth token on the public URL."""

    def post(path: str, params: dict, *, signature: str | None = None, url: str | None = None):
        signed = RequestValidator(TOKEN).compute_signature(url or PUBLIC + path, params)
        headers = {"X-Twilio-Signature": signature if signature is not None else signed}
        return client.post(path, data=params, headers=headers)

    return post


@pytest.fixture
def text(twilio_post):
    """A phone texts the app; returns the response."""
    counter = iter(range(1, 100_000))

    def send(phone: str, body: str, sid: str | None = None):
        return twilio_post(
            "/sms/inbound",
            {"From": phone, "To": "+15005550006", "Body": body,
             "MessageSid": sid or f"SM{next(counter):032d}"},
        )  # fmt: skip

    return send
