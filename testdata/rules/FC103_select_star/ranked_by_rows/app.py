import sqlite3

from flask import Flask, abort, jsonify, request

app = Flask(__name__)

ALL_USERS = "SELECT * FROM users"  # expect: FC103


def connect():
    return sqlite3.connect("app.db")


@app.route("/users")
def list_users():
    # high: every column of every row reaches the response
    cur = connect().execute("SELECT * FROM users")  # expect: FC103
    return jsonify([dict(row) for row in cur.fetchall()])


@app.route("/login", methods=["POST"])
def login():
    # low: the row stays in the server (a login check)
    cur = connect().execute("SELECT * FROM users WHERE name = ?", (request.form["name"],))  # expect: FC103
    if cur.fetchone() is None:
        abort(401)
    return jsonify(ok=True)


def load_users():
    # medium: the rows are returned to callers this rule does not follow
    return connect().execute("SELECT * FROM users").fetchall()  # expect: FC103
