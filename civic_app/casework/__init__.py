"""Casework (pillar 2): units, intakes, the directory of care services, referrals and
case notes."""

from flask import Blueprint

bp = Blueprint("casework", __name__)
