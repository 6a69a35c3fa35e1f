from flask import Blueprint, jsonify

bp = Blueprint("shop", __name__)


@bp.route("/health")
def health():
    return jsonify(ok=True)
