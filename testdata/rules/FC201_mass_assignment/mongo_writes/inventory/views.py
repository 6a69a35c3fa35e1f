from bson import ObjectId
from flask import Blueprint, jsonify, request
from flask_login import current_user
from marshmallow import Schema, fields

from .audit import AuditLog
from .extensions import archive, mongo

items = Blueprint("items", __name__)
audit = AuditLog()
FIELDS = ("name", "sku", "price")


class ItemSchema(Schema):
    name = fields.String(required=True)
    sku = fields.String(required=True)
    price = fields.Decimal()


@items.post("/items")
def create_item():
    result = mongo.db.items.insert_one(request.json)  # expect: FC201
    return jsonify(id=str(result.inserted_id)), 201


@items.post("/items/form")
def create_item_form():
    data = request.form.to_dict()
    mongo.db.items.insert_one(data)  # expect: FC201
    return jsonify(ok=True), 201


@items.post("/items/owned")
def create_owned_item():
    mongo.db.items.insert_one({**request.get_json(), "owner": current_user.id})  # expect: FC201
    return jsonify(ok=True), 201


@items.post("/items/batch")
def create_items():
    mongo.db.items.insert_many(request.get_json())  # expect: FC201
    return jsonify(ok=True), 201


@items.post("/items/each")
def create_each():
    for item in request.json["items"]:
        mongo.db.items.insert_one(item)  # expect: FC201
    return jsonify(ok=True), 201


@items.patch("/items/<item_id>")
def update_item(item_id):
    mongo.db.items.update_one({"_id": ObjectId(item_id)}, {"$set": request.get_json()})  # expect: FC201
    return jsonify(ok=True)


@items.patch("/items")
def update_items():
    data = request.get_json()
    mongo.db["items"].update_many({"sku": {"$in": data.pop("skus")}}, {"$set": data})  # expect: FC201
    return jsonify(ok=True)


@items.put("/items/<item_id>")
def replace_item(item_id):
    archive.replace_one({"_id": ObjectId(item_id)}, request.form.to_dict())  # expect: FC201
    return jsonify(ok=True)


@items.patch("/items/<item_id>/return")
def update_and_return(item_id):
    payload = request.get_json(force=True)
    doc = mongo.db.items.find_one_and_update(  # expect: FC201
        {"_id": ObjectId(item_id)}, {"$set": payload}, {"_id": 0, "name": 1}
    )
    return jsonify(doc)


@items.patch("/items/<item_id>/raw")
def raw_update(item_id):
    # the client writes the update document itself, operators included
    mongo.db.items.update_one({"_id": ObjectId(item_id)}, request.json)  # expect: FC201
    return jsonify(ok=True)


# Safe below.


@items.post("/items/fields")
def create_item_fields():
    data = request.get_json()
    # ok: fields taken one by one
    mongo.db.items.insert_one({"name": data["name"], "sku": data["sku"], "price": data.get("price")})
    return jsonify(ok=True), 201


@items.post("/items/picked")
def create_item_picked():
    data = request.get_json()
    # ok: keys from a fixed list
    mongo.db.items.insert_one({key: data[key] for key in FIELDS if key in data})
    return jsonify(ok=True), 201


@items.post("/items/schema")
def create_item_schema():
    # ok: loaded through a schema
    mongo.db.items.insert_one(ItemSchema().load(request.get_json()))
    return jsonify(ok=True), 201


@items.patch("/items/<item_id>/name")
def rename_item(item_id):
    # ok: one field
    mongo.db.items.update_one({"_id": ObjectId(item_id)}, {"$set": {"name": request.json["name"]}})
    return jsonify(ok=True)


@items.patch("/items/<item_id>/views")
def count_view(item_id):
    # ok: no request data
    mongo.db.items.update_one({"_id": ObjectId(item_id)}, {"$inc": {"views": 1}})
    return jsonify(ok=True)


@items.post("/items/audit")
def audit_item():
    # ok: not a Mongo collection
    audit.insert_one(request.get_json())
    return jsonify(ok=True)


@items.post("/items/tagged")
def tag_item():
    data = request.get_json()
    # ok: a built document
    doc = dict(name=data["name"], tags=data.get("tags", []))
    mongo.db.items.insert_one(doc)
    return jsonify(ok=True), 201
