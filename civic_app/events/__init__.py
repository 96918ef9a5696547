"""Community building: workshops, meetings and awareness events, series, RSVP, attendance."""

from flask import Blueprint

bp = Blueprint("events", __name__)
