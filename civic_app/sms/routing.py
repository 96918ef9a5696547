"""Which channel a queued text takes: the person's choice, where that channel can carry it.

WhatsApp carries every kind (free text inside WhatsApp's 24-hour window, content
templates outside it: sms/whatsapp.py). A call carries only what can be said and answered
by a key (`VOICE_KINDS`, sms/voice.py), in a language Twilio can speak or whose recording
is configured; everything else reaches a person who chose calls by SMS.
"""

from civic_app.core.channels import Channel
from civic_app.sms.voice import can_call


def channel_for(preferred: str | None, kind: str, language: str | None = None) -> str:
    if preferred == Channel.WHATSAPP:
        return Channel.WHATSAPP.value
    if preferred == Channel.VOICE and can_call(language, kind):
        return Channel.VOICE.value
    return Channel.SMS.value
