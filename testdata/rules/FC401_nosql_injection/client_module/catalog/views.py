import json

from flask import Flask, jsonify, request

from .db import db

app = Flask(__name__)
recent = {}


@app.post("/products/query")
def query_products():
    criteria = json.loads(request.data)
    products = db.products.find(criteria, {"_id": 0})  # expect: FC401
    return jsonify(list(products))


@app.post("/products/any")
def any_products():
    body = request.get_json()
    products = db["products"].find({"$or": [{"sku": body["sku"]}, {"name": body["name"]}]}, {"_id": 0})  # expect: FC401
    return jsonify(list(products))


@app.get("/products/count")
def count_products():
    # ok: a header value is a string
    n = db.products.count_documents({"vendor": request.headers.get("X-Vendor", "")})
    return jsonify(count=n)


@app.post("/products/remember")
def remember():
    # ok: a dict's update, not a collection
    recent.update(request.json)
    text = request.json.get("note", "")
    # ok: a string's find
    position = text.find(request.json.get("needle", ""))
    return jsonify(position=position)


@app.post("/products/name")
def product_by_name():
    name = request.json["name"]
    # ok: an f-string is a string
    product = db.products.find_one({"name": f"{name}"}, {"_id": 0})
    return jsonify(product)


@app.post("/products/vendor-count")
def vendor_count():
    n = db.products.count_documents({"vendor": request.get_json()["vendor"]})  # expect: FC401
    return jsonify(count=n)
