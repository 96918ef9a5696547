"""A person chooses how texts reach them: on their profile page, by keyword (WHATSAPP,
SMS, CHIAMATA …) or at the desk. Audited without the number."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from civic_app.core.audit import record
from civic_app.core.channels import CHANNEL_LABELS, Channel
from civic_app.core.errors import DomainError
from civic_app.extensions import db
from civic_app.sms.models import Message, Status
from civic_app.sms.routing import channel_for

#: The choices of a channel field, in the order shown.
CHANNEL_CHOICES = [(channel.value, CHANNEL_LABELS[channel]) for channel in Channel]


def choose_channel(user, channel: str, *, via: str, now: datetime) -> bool:
    """Set `user`'s channel (via: web, sms, desk); their texts still waiting follow it.
    Returns whether it changed. Flushes.

    :raise DomainError: for an unknown channel, or a person without a phone number.
    """
    if channel not in Channel._value2member_map_:
        raise DomainError("channel", _l("Scegli SMS, WhatsApp o chiamata vocale."))
    if channel == user.channel:
        return False
    if not user.phone:
        raise DomainError(
            "channel", _l("Senza un numero di telefono i messaggi non arrivano: aggiungilo.")
        )
    previous, user.channel = user.channel, channel
    waiting = db.session.scalars(
        db.select(Message).where(Message.user_id == user.id, Message.status == Status.QUEUED)
    )
    for message in waiting:
        if message.meta and message.meta.get("falls_back_from"):
            continue  # the SMS twin of a failed WhatsApp stays an SMS
        message.channel = channel_for(channel, message.kind)
        message.updated_at = now
    record(
        "participant.channel_changed",
        user,
        details={"from": previous, "to": channel, "via": via},
    )
    db.session.flush()
    return True
