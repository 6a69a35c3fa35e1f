from bson import ObjectId
from bson.json_util import dumps
from flask import Flask, abort, jsonify, request

from . import db as storage
from .db import audit, customers, orders, products

app = Flask(__name__)


@app.get("/customers/<customer_id>/orders")
def customer_orders(customer_id):
    cursor = orders.find({"customer_id": customer_id}).sort("created", -1).limit(20)  # expect: FC104
    return {"orders": dumps(cursor)}


@app.get("/customers/<customer_id>/orders/totals")
def order_totals(customer_id):
    # ok: projected
    cursor = orders.find({"customer_id": customer_id}, {"_id": 0, "total": 1, "created": 1})
    return {"orders": dumps(cursor)}


@app.get("/customers/<customer_id>")
def customer(customer_id):
    doc = customers.find_one({"_id": ObjectId(customer_id)})  # expect: FC104
    if doc is None:
        abort(404)
    doc["_id"] = str(doc["_id"])
    return doc


@app.get("/customers/<customer_id>/exists")
def customer_exists(customer_id):
    # ok: only tested
    if customers.find_one({"_id": ObjectId(customer_id)}) is None:
        abort(404)
    return jsonify(exists=True)


@app.get("/products")
def list_products():
    items = []
    for product in products.find({"listed": True}):  # expect: FC104
        product["_id"] = str(product["_id"])
        items.append(product)
    return jsonify(items)


@app.get("/products/names")
def product_names():
    # ok: one field from each document
    names = [p["name"] for p in products.find({"listed": True})]
    return jsonify(names)


@app.get("/audit")
def audit_log():
    return dumps(list(audit.find().limit(100)))  # expect: FC104


@app.get("/stock")
def stock():
    # ok: through the module, with a projection
    cursor = storage.db["stock"].find({}, {"_id": 0, "sku": 1, "count": 1})
    return jsonify(list(cursor))


@app.get("/stock/<sku>")
def stock_item(sku):
    item = storage.client.shop.stock.find_one({"sku": sku})  # expect: FC104
    return jsonify(item=item)


@app.post("/orders")
def create_order():
    # ok: only the new id goes back
    result = orders.insert_one({"customer_id": request.json["customer_id"], "items": []})
    return jsonify(id=str(result.inserted_id)), 201
