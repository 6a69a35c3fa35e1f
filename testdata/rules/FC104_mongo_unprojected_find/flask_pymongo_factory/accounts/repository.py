from .extensions import mongo

PUBLIC_FIELDS = {"_id": 0, "username": 1, "display_name": 1}


def active_users():
    return list(mongo.db.users.find({"active": True}))  # expect: FC104


def active_user_names():
    return list(mongo.db.users.find({"active": True}, PUBLIC_FIELDS))


def public_profile(username):
    profile = mongo.db.profiles.find_one({"username": username})
    return {"username": profile["username"], "bio": profile.get("bio", "")}


def serialize(user):
    return {"id": str(user["_id"]), "username": user["username"]}
