"""Gateways: one method, `send(to, body, ref=None, channel="sms", meta=None) -> SendResult`,
picked by SMS_BACKEND. `channel` is the row's channel (core.channels: sms, whatsapp,
voice) and `meta` what that channel needs beside the text (Message.meta); the Twilio
gateway sends WhatsApp in `sms/whatsapp.py` and places calls in `sms/voice.py`.

`ref` is our Message id: Twilio gets it back in the status callback, so a message
whose answer we never recorded (a timeout, a dispatcher killed) is still matched.

- console: logs that a message went, never its text (the dev outbox page shows it);
  the embedded default.
- fake: keeps what it sent in memory and can be told to fail; for tests.
- twilio: the official client, with a Messaging Service SID or a sender number; with
  TWILIO_API_BASE_URL it talks to that base URL (a staging mock) instead of Twilio.
"""

import itertools
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from civic_app.core.phones import mask_phone
from civic_app.sms.sending import OPTED_OUT_CODES, GatewayError, SendResult

__all__ = ["OPTED_OUT_CODES", "GatewayError", "SendResult", "build_gateway", "get_gateway"]

log = logging.getLogger(__name__)


def _process_tag() -> str:
    """Random hex digits in every id a local gateway makes: gateways in several processes
    (gunicorn workers, dispatchers) must not make the same id, unique in the outbox."""
    return secrets.token_hex(4)


class ConsoleGateway:
    name = "console"

    def __init__(self, config):
        self._ids = itertools.count(1)
        self._tag = _process_tag()

    def send(
        self, to: str, body: str, ref: int | None = None, channel: str = "sms", meta=None
    ) -> SendResult:
        sid = f"CONSOLE{self._tag}{next(self._ids):010d}"
        # Never the text: it holds names and login codes (the dev outbox page shows it).
        log.info(
            "%s to %s (%s, message %s): %d characters",
            channel,
            mask_phone(to),
            sid,
            ref,
            len(body),
        )
        return SendResult(sid=sid)


@dataclass
class FakeGateway:
    """Records messages; `fail_next(code, transient)` makes the next sends fail.

    `fail_next(..., accepted=True)` takes the message (it counts as sent) and then
    fails, as a provider does when it times out after accepting. With FAKE_SMS_LOG
    set, every message taken is also appended to that file (`ref<TAB>to<TAB>body`),
    so that tests see what a dispatcher in another process sent; FAKE_SMS_LATENCY
    seconds pass after taking each message, before answering.
    """

    config: object = None
    name: str = "fake"
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    #: Every message taken, with its channel: (channel, to, body, meta, sid).
    sent_by_channel: list[tuple] = field(default_factory=list)
    _failures: list[tuple[GatewayError, bool]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _tag: str = field(default_factory=_process_tag)

    def __post_init__(self):
        config = self.config or {}
        log_path = config.get("FAKE_SMS_LOG")
        self.log_path = Path(log_path) if log_path else None
        self.latency = float(config.get("FAKE_SMS_LATENCY") or 0)

    def send(
        self, to: str, body: str, ref: int | None = None, channel: str = "sms", meta=None
    ) -> SendResult:
        failure, accepted = self._failures.pop(0) if self._failures else (None, False)
        if failure is not None and not accepted:
            raise failure
        sid = f"SMFAKE{self._tag}{next(self._ids):018d}"
        self.sent.append((to, body, sid))
        self.sent_by_channel.append((channel, to, body, meta, sid))
        if self.log_path is not None:
            with self.log_path.open("a", encoding="utf-8") as f:
                f.write(f"{ref}\t{to}\t{body}\n")
        if self.latency:
            time.sleep(self.latency)
        if failure is not None:
            raise failure
        return SendResult(sid=sid)

    def fail_next(
        self,
        code: str = "500",
        *,
        transient: bool = True,
        times: int = 1,
        accepted: bool = False,
    ) -> None:
        """Make the next `times` sends fail; `accepted`: after taking the message."""
        self._failures.extend(
            (GatewayError(code, transient=transient, ambiguous=accepted), accepted)
            for _ in range(times)
        )

    def reset(self) -> None:
        self.sent.clear()
        self.sent_by_channel.clear()
        self._failures.clear()


TWILIO_API = "https://api.twilio.com"


def base_url_http_client(base_url: str):
    """Twilio's own HTTP client, sending what it would send to api.twilio.com to
    `base_url` instead (a staging mock, Prism in the contract tests)."""
    from twilio.http.http_client import TwilioHttpClient

    class BaseUrlHttpClient(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):
            if url.startswith(TWILIO_API):
                url = base_url.rstrip("/") + url[len(TWILIO_API) :]
            return super().request(method, url, *args, **kwargs)

    return BaseUrlHttpClient()


class TwilioGateway:
    name = "twilio"

    def __init__(self, config, http_client=None):
        from twilio.rest import Client

        base_url = config.get("TWILIO_API_BASE_URL")
        if http_client is None and base_url:
            http_client = base_url_http_client(base_url)
        self.messaging_service_sid = config.get("TWILIO_MESSAGING_SERVICE_SID")
        self.from_number = config.get("TWILIO_FROM_NUMBER")
        self.whatsapp_from = config.get("TWILIO_WHATSAPP_FROM")
        base = config.get("PUBLIC_BASE_URL")
        self.status_callback = f"{base.rstrip('/')}/sms/status" if base else None
        self.client = Client(
            config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client
        )

    def send(
        self, to: str, body: str, ref: int | None = None, channel: str = "sms", meta=None
    ) -> SendResult:
        if channel == "whatsapp":
            from civic_app.sms.whatsapp import send_whatsapp

            return send_whatsapp(self, to, body, ref=ref, meta=meta)
        if channel == "voice":
            from civic_app.sms.voice import place_call

            return place_call(self, to, body, ref=ref, meta=meta)
        kwargs = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if self.status_callback:
            # Our id comes back with every status: it matches a message whose SID we
            # never got to record.
            suffix = f"?m={ref}" if ref is not None else ""
            kwargs["status_callback"] = self.status_callback + suffix
        return SendResult(sid=self.call_twilio(self.client.messages.create, **kwargs).sid)

    def call_twilio(self, create, **kwargs):
        """`create(**kwargs)` (messages.create, calls.create), its errors as GatewayError."""
        from requests.exceptions import ConnectionError as RequestsConnectionError
        from requests.exceptions import Timeout
        from twilio.base.exceptions import TwilioRestException

        try:
            return create(**kwargs)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            raise GatewayError(str(exc.code or exc.status), transient=transient) from exc
        except (Timeout, RequestsConnectionError) as exc:
            raise GatewayError(
                "network",
                transient=True,
                detail=type(exc).__name__,
                ambiguous=request_may_have_arrived(exc),
            ) from exc


def request_may_have_arrived(exc: Exception) -> bool:
    """False only when the connection was never made (nothing reached the provider)."""
    from requests.exceptions import ConnectTimeout
    from urllib3.exceptions import NewConnectionError

    if isinstance(exc, ConnectTimeout):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return not isinstance(reason, NewConnectionError | ConnectionRefusedError)


GATEWAYS = {"console": ConsoleGateway, "fake": FakeGateway, "twilio": TwilioGateway}


def build_gateway(config):
    name = config["SMS_BACKEND"]
    try:
        return GATEWAYS[name](config)
    except KeyError:
        raise RuntimeError(
            f"SMS_BACKEND must be one of {', '.join(GATEWAYS)}; got {name!r}."
        ) from None


def get_gateway():
    from flask import current_app

    return current_app.extensions["civic_sms_gateway"]
