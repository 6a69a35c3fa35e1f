from flask import Blueprint, jsonify

from .database import database, get_collection

feed = Blueprint("feed", __name__)


@feed.route("/events")
async def events():
    docs = await database.events.find({"public": True}).to_list(100)  # expect: FC104
    return jsonify(docs)


@feed.route("/events/titles")
async def event_titles():
    # ok: projected
    docs = await database.events.find({"public": True}, {"_id": 0, "title": 1}).to_list(100)
    return jsonify(docs)


@feed.route("/members/<member_id>")
async def member(member_id):
    members = get_collection("members")
    doc = await members.find_one({"member_id": member_id})  # expect: FC104
    return jsonify(doc)


@feed.route("/members/<member_id>/name")
async def member_name(member_id):
    doc = await get_collection("members").find_one({"member_id": member_id})
    # ok: one field
    return jsonify(name=doc["name"])


@feed.route("/stream")
async def stream():
    items = []
    async for doc in database.stream.find():  # expect: FC104
        items.append(doc)
    return jsonify(items)
