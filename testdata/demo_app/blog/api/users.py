from flask import jsonify, request
from flask_login import current_user, login_required

from ..extensions import db
from ..models import User
from ..repository import find_user
from . import bp


@bp.route("/me")
@login_required
def me():
    return jsonify(current_user.to_dict())


@bp.route("/users/<int:user_id>")
def get_user(user_id):
    user = find_user(user_id)
    return jsonify(user)  # expect: FC101


@bp.route("/users")
def list_users():
    users = User.query.order_by(User.created_at.desc()).all()
    return jsonify([u.to_dict() for u in users])


@bp.route("/users", methods=["POST"])
def create_user():
    user = User(**request.get_json())  # expect: FC201
    db.session.add(user)
    db.session.commit()
    return jsonify(user.to_dict()), 201


@bp.route("/users/<int:user_id>", methods=["PATCH"])
@login_required
def update_user(user_id):
    if user_id != current_user.id:
        return jsonify(error="forbidden"), 403
    data = request.get_json()
    for field in ("display_name",):
        if field in data:
            setattr(current_user, field, data[field])
    db.session.commit()
    return jsonify(current_user.to_dict())
