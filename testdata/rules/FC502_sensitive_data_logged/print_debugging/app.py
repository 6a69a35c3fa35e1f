import os

from flask import Flask, jsonify, request

app = Flask(__name__)
SECRET_KEY = os.environ["SECRET_KEY"]
app.config["SECRET_KEY"] = SECRET_KEY


@app.route("/debug", methods=["POST"])
def debug():
    print(request.json)  # expect: FC502
    print("token:", request.headers.get("Authorization"))  # expect: FC502
    return jsonify(ok=True)


@app.route("/token", methods=["POST"])
def token():
    body = request.get_json()
    token = body["refresh_token"]
    print(f"refreshing {token}")  # expect: FC502
    print("refreshing", body["refresh_token"])  # expect: FC502
    # ok: whether a token was sent, not the token
    print("has token:", bool(token))
    return jsonify(ok=True)


@app.route("/startup")
def startup():
    print("secret key:", SECRET_KEY)  # expect: FC502
    # ok: a word in a message is not a value
    print("password reset email sent")
    return jsonify(ok=True)


def collect(lines, password):
    # ok: a local function named print is not the builtin
    print = lines.append
    print(password)
    return lines
