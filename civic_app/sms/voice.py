"""Voice calls through Twilio's Calls API, the text spoken with <Say> and answered with
<Gather>. Not built yet: a voice row fails for good."""

from civic_app.sms.sending import GatewayError

#: The kinds a call can carry (said, and answered by a key); sms/routing.py.
VOICE_KINDS: frozenset[str] = frozenset()


def place_call(gateway, to: str, body: str, ref: int | None = None, meta=None):
    raise GatewayError("channel_unavailable", transient=False, detail="voice")
