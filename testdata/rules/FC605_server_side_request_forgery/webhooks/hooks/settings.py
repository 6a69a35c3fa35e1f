from flask import request

API_BASE = "https://api.example.com"
ALLOWED_HOSTS = ("hooks.example.com", "partner.example.net")


def callback_url():
    # Read here, requested by a view in another module.
    return request.get_json()["callback"]
