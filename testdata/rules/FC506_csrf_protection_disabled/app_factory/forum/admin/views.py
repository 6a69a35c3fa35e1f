from flask import redirect, request
from flask_login import login_required

from . import admin_bp
from .. import csrf


@admin_bp.route("/users/<int:user_id>/ban", methods=["POST"])
@login_required
def ban_user(user_id):
    return redirect("/admin/users")


@admin_bp.route("/users/<int:user_id>/promote", methods=["POST"])
@csrf.exempt  # expect: FC506
@login_required
def promote_user(user_id):
    return redirect("/admin/users")


@admin_bp.route("/health")
@csrf.exempt
def health():
    # ok: no login, nothing a session could authorize
    return "ok"
