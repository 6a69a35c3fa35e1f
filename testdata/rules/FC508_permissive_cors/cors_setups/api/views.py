from flask import jsonify, request
from flask_cors import cross_origin

from . import app

TRUSTED_ORIGINS = ("https://app.example.com", "https://admin.example.com")


@app.route("/me")
@cross_origin(supports_credentials=True)  # expect: FC508
def me():
    return jsonify(user="me")


@app.route("/public")
@cross_origin()
def public_data():
    # ok: no credentials
    return jsonify(data=1)


@app.after_request
def add_cors_headers(response):
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")  # expect: FC508
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def add_checked_cors_headers(response):
    origin = request.headers.get("Origin")
    if origin in TRUSTED_ORIGINS:
        # ok: one of the trusted origins
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


def add_public_cors_headers(response):
    # ok: no credentials
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    return response
