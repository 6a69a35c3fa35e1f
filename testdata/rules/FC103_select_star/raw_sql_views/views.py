"""Raw SQL views.

Docstrings may mention SELECT * FROM users without being SQL that runs.
"""

import sqlite3

from flask import Blueprint, g, jsonify
from sqlalchemy import text

from .db import engine

bp = Blueprint("raw", __name__)

ALL_USERS = "SELECT * FROM users"  # expect: FC103
USER_COUNT = "SELECT COUNT(*) FROM users"
ACTIVE_IDS = "SELECT id FROM users WHERE active = 1"


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("app.db")
    return g.db


@bp.route("/users")
def users():
    rows = get_db().execute(ALL_USERS).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/users/count")
def users_count():
    # ok: COUNT(*) counts rows
    return jsonify(count=get_db().execute(USER_COUNT).fetchone()[0])


@bp.route("/users/<int:user_id>")
def user(user_id):
    query = f"SELECT * FROM users WHERE id = {user_id}"  # expect: FC103
    return jsonify(dict(get_db().execute(query).fetchone()))


@bp.route("/users/<int:user_id>/orders")
def orders(user_id):
    sql = (
        "SELECT o.* "  # expect: FC103
        "FROM orders o "
        "WHERE o.user_id = ?"
    )
    return jsonify([dict(r) for r in get_db().execute(sql, (user_id,))])


@bp.route("/report")
def report():
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                """
                SELECT u.id, u.name, p.*
                FROM users u JOIN profiles p ON p.user_id = u.id
                """  # expect[-2]: FC103
            )
        )
        return jsonify([dict(r._mapping) for r in rows])


@bp.route("/banned")
def banned():
    # ok: EXISTS (SELECT * ...) tests existence, it selects no columns
    sql = "SELECT id, name FROM users u WHERE EXISTS (SELECT * FROM bans b WHERE b.user_id = u.id)"
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/ids")
def ids():
    # ok: explicit columns
    return jsonify([r[0] for r in get_db().execute(ACTIVE_IDS)])


@bp.route("/subquery")
def subquery():
    # ok: the outer query projects the subquery's columns
    sql = "SELECT t.id, t.total FROM (SELECT * FROM orders WHERE total > 10) t"
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/wrapped")
def wrapped():
    sql = "SELECT * FROM (SELECT id, name FROM users) t"  # expect: FC103
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/products")
def products():
    sql = "select distinct * from products where price > ?"  # expect: FC103
    return jsonify([dict(r) for r in get_db().execute(sql, (10,))])


@bp.route("/union")
def union():
    sql = "SELECT * FROM a UNION ALL SELECT * FROM b"  # expect: FC103, FC103
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/math")
def math():
    # ok: multiplication, not a star column
    sql = "SELECT price * quantity AS total FROM order_lines"
    return jsonify([r[0] for r in get_db().execute(sql)])


@bp.route("/help")
def help_text():
    # ok: prose, no select list followed by FROM
    return jsonify(message="Please select * to choose all items")


@bp.route("/literal-star")
def literal_star():
    # ok: the star is a string value
    sql = "SELECT '*' AS marker, id FROM users"
    return jsonify([list(r) for r in get_db().execute(sql)])


# A comment with SELECT * FROM users is not a string.
@bp.route("/commented")
def commented():
    # ok: the star is inside an SQL comment
    sql = """
    -- SELECT * FROM users
    SELECT id FROM users
    """
    return jsonify([r[0] for r in get_db().execute(sql)])
