"""What every gateway and channel speaks: a send's result and its errors."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    #: The provider's id for the message (Twilio's MessageSid).
    sid: str


class GatewayError(Exception):
    """The gateway refused or could not take a message.

    `ambiguous`: the request reached the provider and no answer came back (a read
    timeout, a connection cut mid-answer): it may have been accepted, so it must not
    be sent again.
    """

    def __init__(self, code: str, *, transient: bool, detail: str = "", ambiguous: bool = False):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.transient = transient
        self.ambiguous = ambiguous


#: Twilio error codes after which the number will never take our messages.
OPTED_OUT_CODES = frozenset({"21610"})
