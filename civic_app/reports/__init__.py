"""Reports: municipal and national indicators, charts, exports for the fund, certificates."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
