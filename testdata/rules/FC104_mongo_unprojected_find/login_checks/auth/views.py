import secrets

from flask import Flask, abort, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

from .store import tokens, users

app = Flask(__name__)


@app.post("/login")
def login():
    # ok: the document is only checked
    user = users.find_one({"username": request.json["username"]})
    if user is None or not check_password_hash(user["password"], request.json["password"]):
        abort(401)
    token = secrets.token_urlsafe()
    tokens.insert_one({"token": token, "user_id": user["_id"]})
    return jsonify(token=token)


@app.post("/register")
def register():
    # ok: existence test
    if users.find_one({"username": request.json["username"]}):
        return jsonify(error="taken"), 409
    users.insert_one(
        {
            "username": request.json["username"],
            "password": generate_password_hash(request.json["password"]),
        }
    )
    return jsonify(ok=True), 201


@app.get("/whoami")
def whoami():
    token = tokens.find_one({"token": request.headers.get("Authorization", "")})
    if not token:
        abort(401)
    # ok: one field of the user
    user = users.find_one({"_id": token["user_id"]})
    return jsonify(username=user["username"])


@app.get("/me")
def me():
    token = tokens.find_one({"token": request.headers.get("Authorization", "")})
    if not token:
        abort(401)
    return jsonify(users.find_one({"_id": token["user_id"]}))  # expect: FC104
