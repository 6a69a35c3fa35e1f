from flask import Blueprint

bp = Blueprint("web", __name__)

from . import admin, pages, uploads  # noqa: E402,F401  (routes register themselves on bp)
