import jwt
from authlib.jose import JsonWebToken
from flask import current_app, jsonify, request
from jose import jwt as jose_jwt

from . import app


def key():
    return current_app.config["JWT_SECRET_KEY"]


@app.route("/whoami")
def whoami():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: FC509
    return jsonify(claims)


@app.route("/whoami/verified")
def whoami_verified():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    # ok: verified with a key and a fixed algorithm
    return jsonify(jwt.decode(token, key(), algorithms=["HS256"]))


@app.route("/whoami/legacy")
def whoami_legacy():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return jsonify(jwt.decode(token, key(), verify=False))  # expect: FC509


@app.route("/whoami/any")
def whoami_any():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return jsonify(jwt.decode(token, key()))  # expect: FC509


@app.route("/whoami/none")
def whoami_none():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return jsonify(jwt.decode(token, key(), algorithms=["HS256", "none"]))  # expect: FC509


@app.route("/whoami/stale")
def whoami_stale():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return jsonify(jwt.decode(token, key(), algorithms=["HS256"], options={"verify_exp": False}))  # expect: FC509


@app.route("/whoami/jose")
def whoami_jose():
    token = request.headers["Authorization"].removeprefix("Bearer ")
    return jsonify(jose_jwt.decode(token, key(), options={"verify_signature": False}))  # expect: FC509


unsigned = JsonWebToken(["HS256", "none"])  # expect: FC509
# ok: signed algorithms only
signed = JsonWebToken(["RS256"])
