from flask import abort
from flask_login import current_user


def permission_required(name):
    def decorator(view):
        def wrapper(*args, **kwargs):
            if not current_user.has_permission(name):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def check_owner(obj):
    if obj.account_id != current_user.account_id:
        abort(403)
