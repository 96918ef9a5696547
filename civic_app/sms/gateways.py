"""SMS gateways: one method, `send(to, body) -> SendResult`, picked by SMS_BACKEND.

- console: logs the message (the dev outbox page shows it); the embedded default.
- fake: keeps what it sent in memory and can be told to fail; for tests.
- twilio: the official client, with a Messaging Service SID or a sender number.
"""

import itertools
import logging
from dataclasses import dataclass, field

from civic_app.core.phones import mask_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    #: The provider's id for the message (Twilio's MessageSid).
    sid: str


class GatewayError(Exception):
    """The gateway refused or could not take a message."""

    def __init__(self, code: str, *, transient: bool, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.transient = transient


#: Twilio error codes after which the number will never take our messages.
OPTED_OUT_CODES = frozenset({"21610"})


class ConsoleGateway:
    name = "console"

    def __init__(self, config):
        self._ids = itertools.count(1)

    def send(self, to: str, body: str) -> SendResult:
        sid = f"CONSOLE{next(self._ids):010d}"
        log.info("SMS to %s (%s): %s", mask_phone(to), sid, body)
        return SendResult(sid=sid)


@dataclass
class FakeGateway:
    """Records messages; `fail_next(code, transient)` makes the next sends fail."""

    config: object = None
    name: str = "fake"
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    _failures: list[GatewayError] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def send(self, to: str, body: str) -> SendResult:
        if self._failures:
            raise self._failures.pop(0)
        sid = f"SMFAKE{next(self._ids):026d}"
        self.sent.append((to, body, sid))
        return SendResult(sid=sid)

    def fail_next(self, code: str = "500", *, transient: bool = True, times: int = 1) -> None:
        self._failures.extend(GatewayError(code, transient=transient) for _ in range(times))

    def reset(self) -> None:
        self.sent.clear()
        self._failures.clear()


class TwilioGateway:
    name = "twilio"

    def __init__(self, config, http_client=None):
        from twilio.rest import Client

        self.messaging_service_sid = config.get("TWILIO_MESSAGING_SERVICE_SID")
        self.from_number = config.get("TWILIO_FROM_NUMBER")
        base = config.get("PUBLIC_BASE_URL")
        self.status_callback = f"{base.rstrip('/')}/sms/status" if base else None
        self.client = Client(
            config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client
        )

    def send(self, to: str, body: str) -> SendResult:
        from requests.exceptions import ConnectionError as RequestsConnectionError
        from requests.exceptions import Timeout
        from twilio.base.exceptions import TwilioRestException

        kwargs = {"to": to, "body": body}
        if self.messaging_service_sid:
            kwargs["messaging_service_sid"] = self.messaging_service_sid
        else:
            kwargs["from_"] = self.from_number
        if self.status_callback:
            kwargs["status_callback"] = self.status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            raise GatewayError(str(exc.code or exc.status), transient=transient) from exc
        except (Timeout, RequestsConnectionError) as exc:
            raise GatewayError("network", transient=True, detail=type(exc).__name__) from exc
        return SendResult(sid=message.sid)


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
