from flask import Blueprint

bp = Blueprint("api", __name__)

from . import posts, users  # noqa: E402,F401  (routes register themselves on bp)
from . import search  # noqa: E402,F401
from . import accounts  # noqa: E402,F401
