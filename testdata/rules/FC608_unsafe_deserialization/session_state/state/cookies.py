from flask import request


def saved_state():
    # Read here, deserialized by a view in another module.
    return request.cookies.get("state", "")
