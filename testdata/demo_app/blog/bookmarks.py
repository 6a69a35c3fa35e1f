"""Bookmarks and reading lists: SQLAlchemy for bookmarks, MongoDB for reading lists."""

from bson import ObjectId
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .extensions import db, mongo
from .models.bookmark import Bookmark

bp = Blueprint("bookmarks", __name__)

EDITABLE = ("note", "private")


@bp.route("/bookmarks", methods=["POST"])
@login_required
def create_bookmark():
    data = request.get_json()
    bookmark = Bookmark(user_id=current_user.id, post_id=data["post_id"], note=data.get("note"))
    db.session.add(bookmark)
    db.session.commit()
    return jsonify(id=bookmark.id), 201


@bp.route("/bookmarks/<int:bookmark_id>", methods=["PATCH"])
@login_required
def update_bookmark(bookmark_id):
    bookmark = Bookmark.query.filter_by(id=bookmark_id, user_id=current_user.id).first_or_404()
    for key, value in request.get_json().items():
        if key in EDITABLE:
            setattr(bookmark, key, value)
    db.session.commit()
    return jsonify(id=bookmark.id)


@bp.route("/reading-lists", methods=["POST"])
@login_required
def create_reading_list():
    payload = request.get_json()
    payload["owner_id"] = current_user.id
    result = mongo.db.reading_lists.insert_one(payload)  # expect: FC201
    return jsonify(id=str(result.inserted_id)), 201


@bp.route("/reading-lists/<list_id>")
def get_reading_list(list_id):
    reading_list = mongo.db.reading_lists.find_one({"_id": ObjectId(list_id)})  # expect: FC104, FC301
    if reading_list is None:
        abort(404)
    reading_list["_id"] = str(reading_list["_id"])
    return jsonify(reading_list)


@bp.route("/reading-lists/<list_id>/titles")
def reading_list_titles(list_id):
    reading_list = mongo.db.reading_lists.find_one(  # expect: FC301
        {"_id": ObjectId(list_id)}, {"_id": 0, "title": 1, "post_ids": 1}
    )
    if reading_list is None:
        abort(404)
    return jsonify(reading_list)
