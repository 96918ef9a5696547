"""Projects: projects, sessions, venues, the public marketplace, calendar feeds, templates."""

from flask import Blueprint

bp = Blueprint("projects", __name__)
