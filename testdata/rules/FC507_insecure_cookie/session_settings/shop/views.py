import secrets

from flask import jsonify, make_response, request

from . import app


@app.post("/login")
def login():
    response = make_response(jsonify(ok=True))
    token = secrets.token_urlsafe(32)
    response.set_cookie("session_token", token)  # expect: FC507
    return response


@app.post("/login/secure")
def login_secure():
    response = make_response(jsonify(ok=True))
    # ok: both flags set
    response.set_cookie("session_token", secrets.token_urlsafe(32), secure=True, httponly=True, samesite="Lax")
    return response


@app.post("/login/remember")
def remember():
    response = make_response(jsonify(ok=True))
    response.set_cookie("rememberToken", secrets.token_urlsafe(32), httponly=True)  # expect: FC507
    return response


@app.post("/login/configured")
def configured():
    response = make_response(jsonify(ok=True))
    # ok: flags read from the config (flaskcheck cannot tell, and does not guess)
    response.set_cookie("session_token", "x", secure=app.config["COOKIE_SECURE"], httponly=True)
    return response


@app.get("/theme")
def theme():
    response = make_response(jsonify(ok=True))
    # ok: not a credential
    response.set_cookie("theme", request.args.get("theme", "light"))
    return response


@app.get("/csrf")
def csrf_cookie():
    response = make_response(jsonify(ok=True))
    # ok: a CSRF token cookie must be readable by scripts
    response.set_cookie("csrf_token", secrets.token_hex(16), secure=True)
    return response
