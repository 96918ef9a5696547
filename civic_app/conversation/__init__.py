"""The conversation engine: every inbound message is routed from here to the features.

Keywords (STOP, NEXT, HOURS, JOIN …), sign-up by SMS, answers to reminders, offers and
event invitations. It sits above the features; the inbound webhook and the phone
simulator call it, and nothing below imports it.
"""

from flask import Blueprint

bp = Blueprint("conversation", __name__)
