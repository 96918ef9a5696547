"""People: accounts, logging in (password or SMS code), profiles."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from civic_app.people import views  # noqa: E402, F401
