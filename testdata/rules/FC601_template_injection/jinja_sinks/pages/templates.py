from flask import request

GREETING = "<h1>Hello {{ name }}</h1>"
LAYOUTS = {"plain": "<p>{{ body }}</p>", "card": "<div class='card'>{{ body }}</div>"}


def custom_layout():
    # The client writes the template itself.
    return request.args.get("layout", GREETING)


def chosen_layout():
    # One of the layouts written here: a lookup in a constant mapping.
    return LAYOUTS.get(request.args.get("layout", "plain"), GREETING)
