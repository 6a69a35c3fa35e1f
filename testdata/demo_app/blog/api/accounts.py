"""Account administration: the user records themselves, by id."""

from flask import jsonify, request
from flask_login import login_required

from ..extensions import db, mongo
from ..models import User
from . import bp


@bp.route("/users/<int:user_id>/contact", methods=["GET"])
@login_required
def get_user_contact(user_id):
    user = User.query.get(user_id)  # expect: FC301
    return jsonify({"id": user.id, "email": user.email})  # any logged-in user reads any email


@bp.route("/users/<int:user_id>", methods=["DELETE"])
@login_required
def delete_user(user_id):
    db.session.delete(User.query.get(user_id)); db.session.commit()  # expect: FC301
    return "", 204


@bp.route("/profile/<user_id>")
def profile(user_id):
    return jsonify(mongo.db.users.find_one({"_id": user_id}, {"password": 0}))  # expect: FC301


@bp.route("/users/<int:user_id>/public")
def public_profile(user_id):
    user = db.get_or_404(User, user_id)
    return jsonify(user.to_dict())  # public fields only: no finding


@bp.route("/users", methods=["POST"])
def sign_up():
    data = request.get_json()
    user = User(
        email=data["email"],
        display_name=data.get("display_name"),
        is_admin=data.get("is_admin", False),  # expect: FC202
    )
    db.session.add(user)
    db.session.commit()
    return jsonify(user.to_dict()), 201
