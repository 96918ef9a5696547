"""SMS: gateways, the outbox and its dispatcher, inbound messages, dev tools."""

from flask import Blueprint

bp = Blueprint("sms", __name__)

from civic_app.sms import views  # noqa: E402, F401
