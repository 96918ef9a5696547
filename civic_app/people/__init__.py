"""People: accounts, logging in (password or SMS code), profiles."""

from flask import Blueprint

bp = Blueprint("people", __name__)
