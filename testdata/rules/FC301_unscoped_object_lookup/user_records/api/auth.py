from functools import wraps

from flask import abort
from flask_jwt_extended import get_jwt


def admin_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if get_jwt().get("role") != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def is_admin():
    return get_jwt().get("role") == "admin"
