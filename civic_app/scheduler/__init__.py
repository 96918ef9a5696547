"""The scheduler: the one list of periodic jobs, the lease, reminders and housekeeping."""

from flask import Blueprint

bp = Blueprint("scheduler", __name__)
