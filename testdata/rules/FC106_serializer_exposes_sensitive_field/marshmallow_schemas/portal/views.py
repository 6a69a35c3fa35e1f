from flask import Blueprint, jsonify, request

from .models import Member
from .extensions import db
from .schemas import ConnectionSchema, RegisterSchema

bp = Blueprint("portal", __name__)
connection_schema = ConnectionSchema()


@bp.post("/connections/test")
def test_connection():
    params = connection_schema.load(request.get_json())
    return jsonify(host=params["host"])


@bp.post("/register")
def register():
    data = RegisterSchema().load(request.get_json())
    member = Member(email=data["email"])
    db.session.add(member)
    db.session.commit()
    return jsonify(RegisterSchema().dump(member)), 201
