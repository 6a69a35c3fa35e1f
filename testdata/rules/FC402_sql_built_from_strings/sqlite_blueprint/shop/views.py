import logging

from flask import Blueprint, abort, jsonify, request

from .db import PRODUCTS_TABLE, get_db

bp = Blueprint("shop", __name__, url_prefix="/shop")
log = logging.getLogger(__name__)

SORT_COLUMNS = {"name": "name", "price": "price", "newest": "created_at DESC"}


@bp.route("/products/search")
def search():
    term = request.args.get("q", "")
    rows = get_db().execute(
        f"SELECT id, name, price FROM products WHERE name LIKE '%{term}%'"  # expect: FC402
    ).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/products/by-category", methods=["POST"])
def by_category():
    category = request.form["category"]
    sql = "SELECT id, name FROM products WHERE category = '%s'" % category  # expect: FC402
    log.info("listing category %s", category)
    rows = get_db().execute(sql).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/users/<username>/orders")
def user_orders(username):
    sql = "SELECT id, total FROM orders WHERE username = '{}'".format(username)  # expect: FC402
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/products/filter")
def filter_products():
    data = request.get_json()
    sql = "SELECT id, name FROM products WHERE 1 = 1"
    if data.get("brand"):
        sql = sql + " AND brand = '" + data["brand"] + "'"  # expect: FC402
    return jsonify([dict(r) for r in get_db().execute(sql)])


@bp.route("/products/sorted")
def sorted_products():
    # ok: the column comes from a fixed mapping, not from the request
    order = SORT_COLUMNS.get(request.args.get("sort", "name"), "name")
    rows = get_db().execute(f"SELECT id, name FROM {PRODUCTS_TABLE} ORDER BY {order}").fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/products/<int:product_id>")
def product(product_id):
    # ok: `<int:...>` only lets numbers through
    row = get_db().execute(f"SELECT id, name FROM products WHERE id = {product_id}").fetchone()
    return jsonify(dict(row))


@bp.route("/products/page")
def page():
    # ok: both values are numbers
    limit = int(request.args.get("limit", 20))
    offset = request.args.get("offset", 0, type=int)
    rows = get_db().execute(
        f"SELECT id, name FROM products LIMIT {limit} OFFSET {offset}"
    ).fetchall()
    return jsonify([dict(r) for r in rows])


@bp.route("/products/named")
def named():
    # ok: a bound parameter
    name = request.args["name"]
    rows = get_db().execute("SELECT id FROM products WHERE name = ?", (name,)).fetchall()
    return jsonify([r["id"] for r in rows])


@bp.route("/products/delete", methods=["POST"])
def delete():
    product_id = request.form["id"]
    if not product_id.isdigit():
        # ok: an error message that mentions SQL is not executed (Bandit #984)
        abort(400, f"cannot select product {product_id} from the catalogue")
    get_db().execute("DELETE FROM products WHERE id = ?", (product_id,))
    log.warning(f"deleted from products where id = {product_id}")
    return "", 204
