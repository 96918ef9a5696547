"""Housing (pillar 1): dwellings, their refurbishment works, housing measures for people
taken in charge, and placements in the dwellings."""

from flask import Blueprint

bp = Blueprint("housing", __name__)
