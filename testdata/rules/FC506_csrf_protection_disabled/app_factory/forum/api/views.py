from flask import jsonify, request

from . import api_bp
from ..auth import token_required


@api_bp.post("/posts")
@token_required
def create_post():
    return jsonify(title=request.json["title"]), 201
