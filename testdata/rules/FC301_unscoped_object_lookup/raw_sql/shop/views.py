from flask import Flask, abort, jsonify, request
from flask_login import current_user, login_required

from .db import connect

app = Flask(__name__)


@app.route("/orders/<int:order_id>")
@login_required
def order(order_id):
    cur = connect().cursor()
    cur.execute("SELECT id, total FROM orders WHERE id = %s", (order_id,))  # expect: FC301
    return jsonify(cur.fetchone())


@app.route("/orders/<int:order_id>/mine")
@login_required
def my_order(order_id):
    cur = connect().cursor()
    # ok: scoped to the owner in the statement
    cur.execute("SELECT id, total FROM orders WHERE id = %s AND user_id = %s", (order_id, current_user.id))
    return jsonify(cur.fetchone())


@app.route("/products/<int:product_id>")
def product(product_id):
    cur = connect().cursor()
    # ok: no ownership anywhere for this table
    cur.execute("SELECT id, name FROM products WHERE id = %s", (product_id,))
    return jsonify(cur.fetchone())


@app.route("/users/<int:user_id>", methods=["DELETE"])
@login_required
def delete_account(user_id):
    cur = connect().cursor()
    cur.execute("DELETE FROM users WHERE id = %s", (user_id,))  # expect: FC301
    return "", 204


@app.route("/users/me", methods=["DELETE"])
@login_required
def delete_me():
    cur = connect().cursor()
    # ok: the identity is the key
    cur.execute("DELETE FROM users WHERE id = %s", (current_user.id,))
    return "", 204
