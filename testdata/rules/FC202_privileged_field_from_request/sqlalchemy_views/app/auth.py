from functools import wraps

from flask import abort
from flask_login import LoginManager, current_user

from .models import User


def admin_only(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def is_admin():
    return current_user.is_authenticated and current_user.role == "admin"


login_manager = LoginManager()


@login_manager.user_loader
def load_user(user_id):
    return User.query.get(int(user_id))
