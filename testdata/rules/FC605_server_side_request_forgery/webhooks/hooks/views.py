import urllib.request
from urllib.parse import urlparse

import httpx
import requests
from flask import abort, jsonify, request

from . import app
from .settings import ALLOWED_HOSTS, API_BASE, callback_url


@app.route("/preview")
def preview():
    response = requests.get(request.args["url"], timeout=5)  # expect: FC605
    return jsonify(status=response.status_code)


@app.route("/notify", methods=["POST"])
def notify():
    # The URL is read by a helper in another module.
    requests.post(callback_url(), json={"ok": True}, timeout=5)  # expect: FC605
    return "", 204


@app.route("/status")
def status():
    host = request.args["host"]
    return httpx.get(f"https://{host}/status").text  # expect: FC605


@app.route("/fetch")
def fetch():
    with urllib.request.urlopen(request.args["url"]) as response:  # expect: FC605
        return response.read()


@app.route("/session")
def session_fetch():
    session = requests.Session()
    return session.get(request.values["url"]).text  # expect: FC605


@app.route("/users/<user_id>")
def user(user_id):
    # Low: only the path after a fixed host.
    return requests.get(f"https://api.example.com/users/{user_id}").json()  # expect: FC605


@app.route("/orders")
def orders():
    # Low: only the path after a base the client does not choose.
    return requests.get(f"{API_BASE}/orders/{request.args['id']}").json()  # expect: FC605


@app.route("/search")
def search():
    # ok: the client's data is a query parameter, encoded by requests
    return requests.get(f"{API_BASE}/search", params={"q": request.args["q"]}).json()


@app.route("/items/<int:item_id>")
def item(item_id):
    # ok: a number
    return requests.get(f"{API_BASE}/items/{item_id}").json()


@app.route("/relay")
def relay():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        abort(400)
    # ok: the host was checked against an allow-list
    return requests.get(url).text


@app.route("/relay/host")
def relay_host():
    host = request.args["host"]
    if host not in ALLOWED_HOSTS:
        abort(400)
    # ok: one of the hosts listed here
    return requests.get(f"https://{host}/status").text
