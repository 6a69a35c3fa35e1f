import logging
import secrets

from flask import jsonify, request
from flask_login import current_user, login_required

from ..extensions import db
from ..models.token import ApiToken
from . import bp

logger = logging.getLogger(__name__)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    data = request.get_json()
    logger.info("token request from %s: %s", current_user.id, data)  # expect: FC502
    raw = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=current_user.id,
        name=data.get("name"),
        token=raw,
    )
    try:
        db.session.add(token)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), 500  # expect: FC501
    return jsonify(id=token.id, name=token.name, token=raw), 201


@bp.route("/tokens/<int:token_id>", methods=["DELETE"])
@login_required
def revoke_token(token_id):
    token = ApiToken.query.filter_by(id=token_id, user_id=current_user.id).first_or_404()
    db.session.delete(token)
    db.session.commit()
    return "", 204
