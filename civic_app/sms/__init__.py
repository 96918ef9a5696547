"""SMS: gateways, the outbox and its dispatcher, inbound messages, dev tools."""

from flask import Blueprint

bp = Blueprint("sms", __name__)
