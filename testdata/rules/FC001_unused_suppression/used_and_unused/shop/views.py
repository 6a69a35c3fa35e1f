"""A suppression that hides a real finding is used; one left on a fixed line is not."""
from flask import Blueprint, jsonify

from .models import Customer

bp = Blueprint("customers", __name__)


@bp.get("/customers/<int:customer_id>")
def show(customer_id):
    customer = Customer.query.get_or_404(customer_id)
    # Used: hides the FC101 on this line, so neither is reported.
    return jsonify(customer)  # noqa: FC101


@bp.get("/customers/<int:customer_id>/raw")
def raw(customer_id):
    customer = Customer.query.get_or_404(customer_id)
    return jsonify(vars(customer))  # flaskcheck: ignore[FC101]


@bp.get("/customers/<int:customer_id>/email")
def email(customer_id):
    customer = Customer.query.get_or_404(customer_id)
    # The leak was fixed, the suppression stayed behind.
    return jsonify(email=customer.email)  # noqa: FC101  # expect: FC001


@bp.get("/customers/<int:customer_id>/both")
def both(customer_id):
    customer = Customer.query.get_or_404(customer_id)
    # One code of two is used: the other is reported.
    return jsonify(customer)  # noqa: FC101, FC102  # expect: FC001
