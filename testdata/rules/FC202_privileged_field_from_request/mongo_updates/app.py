from flask import Flask, jsonify, request
from flask_login import current_user
from pymongo import MongoClient

app = Flask(__name__)
db = MongoClient().shop


@app.route("/users/<user_id>", methods=["PATCH"])
def update_user(user_id):
    body = request.get_json()
    db.users.update_one({"_id": user_id}, {"$set": {"role": body["role"]}})  # expect: FC202
    # ok: not a privileged field
    db.users.update_one({"_id": user_id}, {"$set": {"name": body["name"]}})
    return jsonify(ok=True)


@app.route("/users", methods=["POST"])
def create_user():
    body = request.get_json()
    db.users.insert_one(
        {
            "name": body["name"],
            "is_admin": request.json.get("is_admin", False),  # expect: FC202
            # ok: constants and the identity
            "role": "member",
            "created_by": current_user.id,
        }
    )
    return jsonify(ok=True)
