"""Shared ground: base models, roles and scoping, audit, clock, i18n, errors."""

from flask import Blueprint

bp = Blueprint("core", __name__)
