from flask import Blueprint, abort, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from pymongo import MongoClient

from .auth import admin_only, is_admin
from .models import User, db

bp = Blueprint("users", __name__)
mdb = MongoClient().app


@bp.route("/api/users/<int:user_id>", methods=["GET"])
@jwt_required()
def get_user(user_id):
    user = User.query.get(user_id)  # expect: FC301
    return jsonify({"id": user.id, "email": user.email})  # any logged-in user reads any email


@bp.route("/api/users/<int:user_id>", methods=["DELETE"])
@jwt_required()
def delete_user(user_id):
    db.session.delete(User.query.get(user_id)); db.session.commit()  # expect: FC301


@bp.route("/api/users/<int:user_id>/phone", methods=["PUT"])
@jwt_required()
def set_phone(user_id):
    user = db.get_or_404(User, user_id)  # expect: FC301
    user.phone = request.json["phone"]
    db.session.commit()
    return "", 204


@bp.route("/api/users/<int:user_id>", methods=["PATCH"])
@jwt_required()
def deactivate(user_id):
    User.query.filter_by(id=user_id).update({"username": None})  # expect: FC301
    return "", 204


@bp.route("/api/profile/<user_id>")
def profile(user_id):
    return jsonify(mdb.users.find_one({"_id": user_id}, {"password": 0}))  # expect: FC301


@bp.route("/api/profile/<user_id>/card")
def profile_card(user_id):
    # ok: a projection of public fields
    return jsonify(mdb.users.find_one({"_id": user_id}, {"username": 1, "avatar": 1}))


@bp.route("/api/public/<int:user_id>")
def public_profile(user_id):
    # ok: a public profile sends public fields only
    user = User.query.get_or_404(user_id)
    return jsonify({"id": user.id, "username": user.username, "avatar": user.avatar})


@bp.route("/api/me")
@jwt_required()
def me():
    # ok: loaded by the identity
    user = User.query.get(get_jwt_identity())
    return jsonify({"email": user.email})


@bp.route("/api/users/<int:user_id>/contact")
@jwt_required()
def contact(user_id):
    # ok: the key is compared with the identity first
    uid = get_jwt_identity()
    if user_id != uid:
        abort(403)
    user = User.query.get(user_id)
    return jsonify({"email": user.email})


@bp.route("/api/users/<int:user_id>/token-checked")
def token_checked(user_id):
    # a login check denies, but compares nothing with the record
    token = request.headers.get("Authorization")
    if not token:
        return jsonify(error="login required"), 401
    user = User.query.get(user_id)  # expect: FC301
    return jsonify({"email": user.email})


@bp.route("/api/admin/users/<int:user_id>")
@jwt_required()
def admin_view(user_id):
    # ok: a role check through a helper of the project
    if not is_admin():
        abort(403)
    user = User.query.get(user_id)
    return jsonify({"email": user.email})


@bp.route("/api/admin/users/<int:user_id>", methods=["DELETE"])
@admin_only
def admin_delete(user_id):
    # ok: a decorator of the project that checks a role
    db.session.delete(User.query.get(user_id))
    db.session.commit()
    return "", 204
