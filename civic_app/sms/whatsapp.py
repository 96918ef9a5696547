"""WhatsApp through Twilio's Messages API: `whatsapp:+39…` senders, content templates
outside the 24-hour window. Not built yet: a WhatsApp row fails for good, so the channel
falls back to SMS."""

from civic_app.sms.sending import GatewayError


def send_whatsapp(gateway, to: str, body: str, ref: int | None = None, meta=None):
    raise GatewayError("channel_unavailable", transient=False, detail="whatsapp")
