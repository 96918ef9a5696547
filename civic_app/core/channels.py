"""How a text reaches a person: a property of their contact, not of a feature.

A participant chooses one (on the web, by SMS or at the desk); every Message row says
which channel it went or came by. SMS is the default and the fallback: a WhatsApp message
that fails for good goes once by SMS, and STOP on any channel stops them all.
"""

import enum

from flask_babel import lazy_gettext as _l


class Channel(enum.StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    VOICE = "voice"


CHANNEL_LABELS = {
    Channel.SMS: _l("SMS"),
    Channel.WHATSAPP: _l("WhatsApp"),
    Channel.VOICE: _l("Chiamata vocale"),
}
