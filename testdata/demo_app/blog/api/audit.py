from flask import jsonify, request
from flask_login import login_required

from ..extensions import mongo
from . import bp


@bp.route("/audit/count", methods=["POST"])
@login_required
def count_audit_events():
    criteria = request.get_json()
    total = mongo.db.audit.count_documents(criteria)  # expect: FC401
    return jsonify(total=total)
