from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .auth import admin_only, is_admin
from .models import Post, User, db

bp = Blueprint("users", __name__)


def payload():
    return request.get_json()


@bp.post("/users")
def sign_up():
    d = request.get_json()
    user = User(name=d["name"], is_admin=d["is_admin"])  # expect: FC202
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id)


@bp.post("/users/safe")
def sign_up_safe():
    d = request.get_json()
    # ok: a constant
    user = User(name=d["name"], is_admin=False, role="member")
    db.session.add(user)
    return jsonify(id=user.id)


@bp.patch("/users/<int:user_id>")
@login_required
def update_user(user_id):
    user = db.get_or_404(User, user_id)
    if user.id != current_user.id:
        abort(403)
    user.name = payload()["name"]
    # a comparison with the identity is no role check: users must not pick their own role
    user.role = request.json.get("role")  # expect: FC202
    setattr(user, "balance", payload()["balance"])  # expect: FC202
    db.session.commit()
    return jsonify(id=user.id)


@bp.put("/me/plan")
@login_required
def change_plan():
    current_user.plan = request.form["plan"]  # expect: FC202
    db.session.commit()
    return jsonify(ok=True)


@bp.post("/posts")
@login_required
def create_post():
    data = request.get_json()
    post = Post(title=data["title"], user_id=data["user_id"])  # expect: FC202
    # ok: the owner is the identity
    mine = Post(title=data["title"], user_id=current_user.id)
    db.session.add_all([post, mine])
    return jsonify(id=post.id)


@bp.put("/users/<int:user_id>/role")
@login_required
def set_role(user_id):
    # ok: a role check
    if not current_user.is_admin:
        abort(403)
    user = db.get_or_404(User, user_id)
    user.role = request.json["role"]
    return jsonify(id=user.id)


@bp.put("/users/<int:user_id>/admin")
@admin_only
def grant_admin(user_id):
    # ok: a decorator of the project that checks a role
    user = db.get_or_404(User, user_id)
    user.is_admin = request.json["is_admin"]
    return jsonify(id=user.id)


@bp.put("/users/<int:user_id>/balance")
def credit(user_id):
    # ok: a role check through a project helper
    if not is_admin():
        abort(403)
    user = db.get_or_404(User, user_id)
    user.balance = request.json["balance"]
    return jsonify(id=user.id)


@bp.put("/users/<int:user_id>/plan/<int:plan>")
@login_required
def set_plan_number(user_id, plan):
    # ok: typed by the route (a number), and not a privilege a number grants here
    user = db.get_or_404(User, user_id)
    user.plan = plan
    return jsonify(id=user.id)


@bp.put("/users/<int:user_id>/plan-name/<plan>")
@login_required
def set_plan_name(user_id, plan):
    user = db.get_or_404(User, user_id)
    user.plan = plan  # expect: FC202
    return jsonify(id=user.id)
