from flask import Blueprint, jsonify

from ..extensions import database
from ..models import Order

catalog = Blueprint("catalog", __name__)


@catalog.get("/orders/<int:order_id>")
def order(order_id):
    found = database.get_or_404(Order, order_id)
    return {"order": found}  # expect: FC101


@catalog.get("/orders/<int:order_id>/status")
def order_status(order_id):
    found = database.get_or_404(Order, order_id)
    # ok: an explicit dict of chosen attributes
    return {"id": found.id, "total": str(found.total)}


@catalog.get("/orders/<int:order_id>/customer")
def order_customer(order_id):
    found = Order.query.get_or_404(order_id)
    return jsonify(found.customer)  # expect: FC101


@catalog.get("/orders/<int:order_id>/customer-email")
def order_customer_email(order_id):
    found = Order.query.get_or_404(order_id)
    # ok: one attribute of the related object
    return jsonify(email=found.customer.email)


def audit(order_id):
    # ok: not a view, and nothing is returned to a client
    found = Order.query.get(order_id)
    print(found.id)
    return found
