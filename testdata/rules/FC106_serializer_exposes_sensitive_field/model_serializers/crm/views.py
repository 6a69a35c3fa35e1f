from flask import Blueprint, jsonify

from .db import db
from .models import Customer, User

bp = Blueprint("crm", __name__)


@bp.get("/customers/<int:customer_id>")
def customer(customer_id):
    return jsonify(db.get_or_404(Customer, customer_id).to_dict())


@bp.get("/users/<int:user_id>")
def user(user_id):
    return jsonify(db.get_or_404(User, user_id).public_dict())
