from flask import Blueprint, abort, jsonify, request

from .db import BLOCKED_TABLES, DIRECTIONS, SORTABLE, TABLES, get_db

bp = Blueprint("catalog", __name__)


@bp.get("/products")
def products():
    sort = request.args.get("sort", "name")
    if sort not in SORTABLE:
        abort(400)
    # ok: the column was checked against a constant allow-list above
    rows = get_db().execute(f"SELECT id, name FROM products ORDER BY {sort}").fetchall()
    return jsonify(rows)


@bp.get("/products/by")
def products_by():
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    if sort not in SORTABLE or direction not in DIRECTIONS:
        abort(400)
    # ok: both values were checked
    sql = f"SELECT id FROM products ORDER BY {sort} {direction}"
    return jsonify(get_db().execute(sql).fetchall())


@bp.get("/products/either")
def products_either():
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    if sort not in SORTABLE and direction not in DIRECTIONS:
        abort(400)
    # one valid value is enough to pass this test: neither is safe
    sql = f"SELECT id FROM products ORDER BY {sort} {direction}"  # expect: FC402
    return jsonify(get_db().execute(sql).fetchall())


@bp.get("/products/both")
def products_both():
    sort = request.args.get("sort", "name")
    direction = request.args.get("dir", "asc")
    if sort in SORTABLE and direction in DIRECTIONS and request.args.get("fast"):
        # ok: both values are in their allow-lists here
        rows = get_db().execute(f"SELECT id FROM products ORDER BY {sort} {direction}").fetchall()
        return jsonify(rows)
    return jsonify([])


@bp.get("/products/direction")
def products_direction():
    direction = request.args.get("dir", "asc")
    if direction not in ("asc", "desc"):
        direction = "asc"
    # ok: an unknown value is replaced by a default
    rows = get_db().execute("SELECT id FROM products ORDER BY name %s" % direction).fetchall()
    return jsonify(rows)


@bp.get("/tables/<table>")
def table_rows(table):
    if table in TABLES:
        # ok: inside the branch, the name is one of the allow-list's keys
        rows = get_db().execute("SELECT id FROM " + table).fetchall()
        return jsonify(rows)
    rows = get_db().execute("SELECT id FROM " + table).fetchall()  # expect: FC402
    return jsonify(rows)


@bp.get("/tables/<table>/count")
def table_count(table):
    if table in BLOCKED_TABLES:
        abort(403)
    # a deny-list does not make the name safe
    sql = "SELECT COUNT(id) FROM %s" % table  # expect: FC402
    return jsonify(get_db().execute(sql).fetchone())


@bp.get("/search")
def search():
    column = request.args["column"]
    allowed = [c for c in request.args.getlist("columns")]
    if column not in allowed:
        abort(400)
    # a list the client sent is no allow-list
    sql = f"SELECT id FROM products WHERE {column} IS NOT NULL"  # expect: FC402
    return jsonify(get_db().execute(sql).fetchall())


@bp.get("/export")
def export():
    column = request.args["column"]
    assert column in SORTABLE
    # ok: asserted against the allow-list
    return jsonify(get_db().execute(f"SELECT {column} FROM products").fetchall())


@bp.get("/late-check")
def late_check():
    column = request.args["column"]
    rows = get_db().execute(f"SELECT {column} FROM products").fetchall()  # expect: FC402
    if column not in SORTABLE:
        abort(400)
    return jsonify(rows)


@bp.get("/log-only")
def log_only():
    column = request.args["column"]
    if column not in SORTABLE:
        print("unexpected column", column)
    # a check that lets the value through changes nothing
    rows = get_db().execute(f"SELECT {column} FROM products").fetchall()  # expect: FC402
    return jsonify(rows)
