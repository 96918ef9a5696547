"""Plans: enrolments in projects, waitlists and individual civic-engagement plans."""

from flask import Blueprint

bp = Blueprint("plans", __name__)
