from urllib.parse import urlparse

from flask import abort, make_response, redirect, request, url_for

from . import app
from .urls import ALLOWED_HOSTS, is_safe_url, next_url, unchecked_next

DESTINATIONS = ("/", "/orders", "/settings")


@app.route("/")
def index():
    return "home"


@app.route("/login", methods=["POST"])
def login():
    return redirect(request.args.get("next", "/"))  # expect: FC603


@app.route("/login/fallback", methods=["POST"])
def login_fallback():
    target = request.form.get("next") or url_for("index")
    return redirect(target)  # expect: FC603


@app.route("/login/checked", methods=["POST"])
def login_checked():
    target = request.args.get("next", "/")
    if not is_safe_url(target):
        abort(400)
    # ok: checked by the project's helper
    return redirect(target)


@app.route("/login/helper", methods=["POST"])
def login_helper():
    # ok: the helper returns the target only after checking it
    return redirect(next_url())


@app.route("/login/unchecked", methods=["POST"])
def login_unchecked():
    # The target is read by a helper in another module, without a check.
    return redirect(unchecked_next())  # expect: FC603


@app.route("/login/netloc", methods=["POST"])
def login_netloc():
    target = request.args.get("next", "/")
    if urlparse(target).netloc and urlparse(target).netloc not in ALLOWED_HOSTS:
        abort(400)
    # ok: the host was checked
    return redirect(target)


@app.route("/login/parsed", methods=["POST"])
def login_parsed():
    target = request.args.get("next", "/")
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc:
        target = "/"
    # ok: only a path gets through
    return redirect(target)


@app.route("/login/relative", methods=["POST"])
def login_relative():
    target = request.args.get("next", "/")
    if target.startswith("/") and not target.startswith("//"):
        # ok: a path of this site
        return redirect(target)
    return redirect("/")


@app.route("/login/slash", methods=["POST"])
def login_slash():
    target = request.args.get("next", "/")
    if target.startswith("/"):
        # `//evil.example` starts with `/` too
        return redirect(target)  # expect: FC603
    return redirect("/")


@app.route("/go/<path:target>")
def go(target):
    if target not in DESTINATIONS:
        abort(404)
    # ok: one of the destinations written here
    return redirect(target)


@app.route("/out")
def out():
    return redirect(f"https://{request.args['host']}/welcome")  # expect: FC603


@app.route("/tab")
def tab():
    # ok: a path of this site, whatever the client adds after it
    return redirect(f"/dashboard?tab={request.args.get('tab', 'home')}")


@app.route("/profile")
def profile():
    # ok: `url_for` builds a URL of this app
    return redirect(url_for("index", ref=request.args.get("ref")))


@app.route("/back")
def back():
    return redirect(request.referrer or "/")  # expect: FC603


@app.route("/moved")
def moved():
    response = make_response("", 302)
    response.headers["Location"] = request.args["to"]  # expect: FC603
    return response
