from bson import ObjectId
from bson.json_util import dumps
from flask import Response, jsonify, make_response, request
from flask_restful import Api, Resource
from pymongo import ReturnDocument

from ..extensions import mongo
from ..repository import active_user_names, active_users, public_profile, serialize
from . import bp

api = Api(bp)


@bp.route("/users")
def list_users():
    return jsonify(active_users())


@bp.route("/users/names")
def list_user_names():
    # ok: the repository projects the fields it returns
    return jsonify(active_user_names())


@bp.route("/users/<user_id>")
def get_user(user_id):
    user = mongo.db.users.find_one_or_404({"_id": ObjectId(user_id)})  # expect: FC104
    user["_id"] = str(user["_id"])
    return jsonify(user)


@bp.route("/users/<user_id>/card")
def user_card(user_id):
    # ok: fields picked one by one
    user = mongo.db.users.find_one_or_404({"_id": ObjectId(user_id)})
    return jsonify(name=user["display_name"], email=user.get("email"))


@bp.route("/users/export")
def export_users():
    cursor = mongo.db.users.find().sort("created_at", -1)  # expect: FC104
    return Response(dumps(cursor), mimetype="application/json")


@bp.route("/users/export/public")
def export_public():
    # ok: projection names the fields
    cursor = mongo.db.users.find({}, projection={"username": 1, "display_name": 1})
    return Response(dumps(cursor), mimetype="application/json")


@bp.route("/users/recent")
def recent_users():
    cursor = mongo.db.users.find({"active": True}).limit(10)  # expect: FC104
    return jsonify([{**u, "_id": str(u["_id"])} for u in cursor])


@bp.route("/users/recent/ids")
def recent_user_ids():
    # ok: each item is built from chosen fields
    cursor = mongo.db.users.find({"active": True}).limit(10)
    return jsonify([{"id": str(u["_id"]), "name": u["display_name"]} for u in cursor])


@bp.route("/users/recent/serialized")
def recent_serialized():
    # ok: a helper picks the fields
    return jsonify([serialize(u) for u in mongo.db.users.find()])


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
def deactivate(user_id):
    user = mongo.db.users.find_one_and_update(  # expect: FC104
        {"_id": ObjectId(user_id)},
        {"$set": {"active": False}},
        return_document=ReturnDocument.AFTER,
    )
    return make_response(dumps(user), 200)


@bp.route("/users/<user_id>/activate", methods=["POST"])
def activate(user_id):
    # ok: the third positional argument is the projection
    user = mongo.db.users.find_one_and_update(
        {"_id": ObjectId(user_id)},
        {"$set": {"active": True}},
        {"_id": 0, "username": 1, "active": 1},
        return_document=ReturnDocument.AFTER,
    )
    return jsonify(user)


@bp.route("/users/search")
def search_users():
    # `{"_id": 0}` only makes the documents JSON-serializable: every other field is returned
    found = mongo.db.users.find({"username": {"$regex": request.args["q"]}}, {"_id": 0})  # expect: FC104
    return jsonify(users=list(found))


@bp.route("/users/count")
def count_users():
    # ok: a number
    return jsonify(count=mongo.db.users.count_documents({"active": True}))


@bp.route("/users/countries")
def user_countries():
    # ok: distinct values of one field
    return jsonify(mongo.db.users.distinct("country"))


@bp.route("/profiles/<username>")
def profile(username):
    # ok: the helper returns chosen fields
    return jsonify(public_profile(username))


@bp.route("/users/<user_id>/purge", methods=["DELETE"])
def purge(user_id):
    deleted = mongo.db.users.find_one_and_delete({"_id": ObjectId(user_id)})  # expect: FC104
    return dumps({"deleted": deleted})


@bp.route("/settings")
def settings():
    # ok: the client's `cx` is a MongoClient, and the find has a projection
    settings = mongo.cx.config.settings.find_one({"scope": "public"}, {"_id": 0, "theme": 1})
    return jsonify(settings)


@bp.route("/settings/all")
def all_settings():
    settings = mongo.cx.config.settings.find_one({"scope": "all"})  # expect: FC104
    return jsonify(settings=dumps(settings))


class UserList(Resource):
    def get(self):
        return list(mongo.db.users.find({"active": True}))  # expect: FC104


class UserNames(Resource):
    def get(self):
        # ok: projected
        return list(mongo.db.users.find({"active": True}, {"_id": 0, "username": 1}))


api.add_resource(UserList, "/resources/users")
api.add_resource(UserNames, "/resources/user-names")
