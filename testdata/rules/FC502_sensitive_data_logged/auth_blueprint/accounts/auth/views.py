import logging

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required, login_user

from ..extensions import db
from ..models import ApiClient, User

auth = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


@auth.route("/login", methods=["POST"])
def login():
    current_app.logger.debug("login form: %s", request.form)  # expect: FC502
    email = request.form["email"]
    password = request.form["password"]
    log.info("login attempt for %s", email)
    user = User.query.filter_by(email=email).first()
    if user is None or not user.check_password(password):
        log.warning("bad password %r for %s", password, email)  # expect: FC502
        return jsonify(error="invalid credentials"), 401
    login_user(user)
    # ok: the default-looking repr shows the id and e-mail only
    log.info("logged in %s", user)
    return jsonify(id=user.id)


@auth.route("/api/login", methods=["POST"])
def api_login():
    payload = request.get_json()
    log.debug("api login payload=%s", payload)  # expect: FC502
    user = User.query.filter_by(email=payload.get("email")).first()
    # ok: one field of the body, not the whole
    log.info("api login for %s", payload.get("email"))
    if user is None:
        return jsonify(error="invalid credentials"), 401
    log.info(f"issued key {user.api_key} to {user.email}")  # expect: FC502
    return jsonify(api_key=user.api_key)


@auth.route("/password", methods=["POST"])
@login_required
def change_password():
    new = request.form["new_password"]
    log.debug("new password is %s", new)  # expect: FC502
    current_user.set_password(new)
    db.session.commit()
    # ok: a timestamp about the password, not the password
    log.info("password changed at %s", current_user.password_changed_at)
    return "", 204


@auth.route("/profile")
@login_required
def profile():
    log.debug("profile of %s", vars(current_user))  # expect: FC502
    # ok: the user's id
    log.info("profile viewed by user %d", current_user.id)
    return jsonify(email=current_user.email)


@auth.route("/clients/<int:client_id>")
@login_required
def client(client_id):
    api_client = db.get_or_404(ApiClient, client_id)
    log.info("client lookup: %s", api_client)  # expect: FC502
    # ok: the client's name only
    log.info("client %s viewed", api_client.name)
    return jsonify(name=api_client.name)


@auth.route("/csrf")
def csrf():
    csrf_token = request.cookies.get("csrf_token")
    # ok: a CSRF token is sent to the browser in every form anyway
    log.debug("csrf token %s", csrf_token)
    # ok: one header, by name
    log.debug("user agent %s", request.headers.get("User-Agent"))
    return "", 204


@auth.route("/webhook", methods=["POST"])
def webhook():
    log.info("webhook headers: %s", dict(request.headers))  # expect: FC502
    return "", 204
