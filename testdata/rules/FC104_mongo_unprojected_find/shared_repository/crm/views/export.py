from flask import Blueprint, jsonify

from ..repository import find_contacts

export_bp = Blueprint("export", __name__)


@export_bp.route("/export/<owner>")
def export(owner):
    return jsonify(contacts=list(find_contacts(owner)))
