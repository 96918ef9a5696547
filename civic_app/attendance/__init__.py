"""Attendance: tutors' rosters, hours, corrections, month locks, at-risk participants."""

from flask import Blueprint

bp = Blueprint("attendance", __name__)
