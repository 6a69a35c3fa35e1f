from flask import Blueprint, jsonify, request

from . import repository

bp = Blueprint("crm", __name__)


@bp.route("/customers/lookup")
def lookup():
    rows = repository.find_by_email(request.args["email"])
    return jsonify([{"id": r.id, "name": r.name} for r in rows])


@bp.route("/customers/region/<region>")
def region(region):
    rows = repository.find_by_region(region)
    return jsonify([{"id": r.id, "name": r.name} for r in rows])
