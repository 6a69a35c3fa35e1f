from flask import request


def next_page():
    # The page to go back to after logging in, as the client sent it.
    return request.args.get("next", "/")
