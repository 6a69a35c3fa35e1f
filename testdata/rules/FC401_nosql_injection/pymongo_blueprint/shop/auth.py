from flask import Blueprint, abort, jsonify, request
from werkzeug.security import check_password_hash

from .extensions import mongo
from .schemas import LookupSchema

auth = Blueprint("auth", __name__)


@auth.post("/login")
def login():
    data = request.get_json()
    user = mongo.db.users.find_one({"username": data["username"]})  # expect: FC401
    if user is None or not check_password_hash(user["password_hash"], data["password"]):
        abort(401)
    return jsonify(id=str(user["_id"]))


@auth.post("/login-form")
def login_form():
    # ok: form values are strings, never operators
    user = mongo.db.users.find_one({"username": request.form["username"]})
    if user is None:
        abort(401)
    return jsonify(id=str(user["_id"]))


@auth.post("/login-checked")
def login_checked():
    username = request.json.get("username")
    if not isinstance(username, str):
        abort(400)
    # ok: the type was checked
    user = mongo.db.users.find_one({"username": username})
    return jsonify(found=user is not None)


@auth.post("/login-str")
def login_str():
    # ok: converted to a string
    user = mongo.db.users.find_one({"username": str(request.json["username"])})
    return jsonify(found=user is not None)


@auth.post("/lookup")
def lookup():
    data = LookupSchema().load(request.get_json())
    # ok: validated by a schema
    user = mongo.db.users.find_one({"email": data["email"]})
    return jsonify(found=user is not None)


@auth.post("/reset")
def reset():
    token = request.get_json()["token"]
    mongo.db.resets.delete_many({"token": token})  # expect: FC401
    return "", 204


@auth.post("/email")
def change_email():
    mongo.db.users.update_one(  # expect: FC401
        {"email": request.json["old_email"]}, {"$set": {"email": request.json["new_email"]}}
    )
    return "", 204


@auth.post("/confirm")
def confirm():
    body = request.get_json(silent=True) or {}
    user = mongo.db.users.find_one_and_update(  # expect: FC401
        {"confirm_token": body.get("token")}, {"$set": {"confirmed": True}}
    )
    return jsonify(confirmed=user is not None)
