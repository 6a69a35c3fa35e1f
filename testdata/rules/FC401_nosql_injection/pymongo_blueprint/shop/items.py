from bson import ObjectId
from flask import Blueprint, jsonify, request

from .extensions import mongo

items = Blueprint("items", __name__)


@items.post("/search")
def search():
    cursor = mongo.db.items.find(request.get_json(), {"_id": 0})  # expect: FC401
    return jsonify(list(cursor))


@items.get("/filter")
def filter_items():
    # the client picks the keys, so `?$where=...` works even with string values
    cursor = mongo.db.items.find(request.args.to_dict(), {"_id": 0})  # expect: FC401
    return jsonify(list(cursor))


@items.get("/cheaper")
def cheaper():
    limit = request.args["max"]
    cursor = mongo.db.items.find({"$where": f"this.price < {limit}"}, {"_id": 0})  # expect: FC401
    return jsonify(list(cursor))


@items.get("/by-name")
def by_name():
    # ok: a query-string value is a string
    cursor = mongo.db.items.find({"name": request.args.get("name", "")}, {"_id": 0})
    return jsonify(list(cursor))


@items.get("/<item_id>")
def show(item_id):
    # ok: a URL parameter is a string, and converted to an ObjectId
    item = mongo.db.items.find_one({"_id": ObjectId(item_id)}, {"_id": 0})
    return jsonify(item)


@items.post("/<item_id>/rename")
def rename(item_id):
    # ok: request data in the update document is data, not a filter
    mongo.db.items.update_one({"_id": ObjectId(item_id)}, {"$set": {"name": request.json["name"]}})
    return "", 204


@items.post("/report")
def report():
    body = request.get_json(force=True)
    pipeline = [{"$match": {"category": body["category"]}}, {"$group": {"_id": "$brand", "n": {"$sum": 1}}}]
    rows = mongo.db.items.aggregate(pipeline)  # expect: FC401
    return jsonify(list(rows))


@items.post("/bulk-delete")
def bulk_delete():
    ids = [ObjectId(i) for i in request.json["ids"]]
    # ok: each id converted
    mongo.db.items.delete_many({"_id": {"$in": ids}})
    return "", 204
