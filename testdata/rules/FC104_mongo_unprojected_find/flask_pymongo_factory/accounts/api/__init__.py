from flask import Blueprint

bp = Blueprint("api", __name__)

from . import users  # noqa: E402,F401
