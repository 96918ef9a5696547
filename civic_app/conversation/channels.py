"""WHATSAPP, SMS, CHIAMATA (in every language: keywords.py): a person texts the channel
they want texts by, and the answer comes on the channel they wrote on."""

from civic_app.core.channels import Channel
from civic_app.core.errors import DomainError
from civic_app.sms.choice import choose_channel

#: The keyword -> the channel it chooses.
CHANNEL_KEYWORDS = {"whatsapp": Channel.WHATSAPP, "sms": Channel.SMS, "call": Channel.VOICE}


def choose_by_keyword(user, word: str, now, reply) -> None:
    if user is None:
        reply("not_registered")
        return
    channel = CHANNEL_KEYWORDS[word]
    try:
        choose_channel(user, channel.value, via="sms", now=now)
    except DomainError:  # no number: cannot be, they just texted us from one
        reply("help")
        return
    reply("channel_" + channel.value)
