"""Messaging: queue a text for a phone, send it, record what happened. Knows no feature."""

from flask import Blueprint

bp = Blueprint("sms", __name__)
