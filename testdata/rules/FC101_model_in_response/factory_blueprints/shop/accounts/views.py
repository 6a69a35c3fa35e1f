from flask import Blueprint, jsonify, make_response, request
from flask_login import current_user, login_required

from .. import repository
from ..models import Customer, VipCustomer
from ..repository import customer_with_order_count, find_customer, latest_order

accounts = Blueprint("accounts", __name__)


@accounts.route("/<int:customer_id>")
def show(customer_id):
    customer = find_customer(customer_id)
    return jsonify(customer)  # expect: FC101


@accounts.route("/<int:customer_id>/card")
def card(customer_id):
    # ok: the helper returns an explicit dict
    return jsonify(repository.customer_card(customer_id))


@accounts.route("/me")
@login_required
def me():
    return jsonify(current_user)  # expect: FC101


@accounts.route("/me/public")
@login_required
def me_public():
    # ok: chosen fields
    return jsonify(current_user.public())


@accounts.route("/by-email")
def by_email():
    customer = Customer.get_by_email(request.args["email"])
    return jsonify(customer=customer)  # expect: FC101


@accounts.route("/by-email/summary")
def by_email_summary():
    customer = Customer.get_by_email(request.args["email"])
    # ok: keyword argument holds a serialized dict
    return jsonify(customer=customer.to_dict())


@accounts.route("/<int:customer_id>/latest-order")
def latest(customer_id):
    order = latest_order(find_customer(customer_id))
    return make_response(jsonify(order=order), 200)  # expect: FC101


@accounts.route("/<int:customer_id>/latest-order/total")
def latest_total(customer_id):
    order = latest_order(find_customer(customer_id))
    # ok: one column
    return jsonify(total=str(order.total))


@accounts.route("/vip/<int:customer_id>")
def vip(customer_id):
    customer = VipCustomer.query.get(customer_id)
    if customer is None:
        return jsonify(error="not found"), 404
    return jsonify(vars(customer))  # expect: FC101


@accounts.route("/vip/<int:customer_id>/dict")
def vip_dict(customer_id):
    customer = VipCustomer.query.get(customer_id)
    data = customer.__dict__.copy()
    data.pop("_sa_instance_state", None)
    return jsonify(data)  # expect: FC101


@accounts.route("/register", methods=["POST"])
def register():
    customer = Customer(email=request.form["email"])
    # ok: the created object is reported by id only
    return jsonify(id=customer.id), 201


@accounts.route("/register-echo", methods=["POST"])
def register_echo():
    customer = Customer(email=request.form["email"])
    return jsonify(customer), 201  # expect: FC101


@accounts.route("/<int:customer_id>/order-count")
def order_count(customer_id):
    customer, count = customer_with_order_count(customer_id)
    # ok: only the count, unpacked from the helper's tuple
    return jsonify(id=customer.id, orders=count)


@accounts.route("/<int:customer_id>/with-count")
def with_count(customer_id):
    customer, count = customer_with_order_count(customer_id)
    return jsonify(customer=customer, orders=count)  # expect: FC101


@accounts.route("/<int:customer_id>/status-tuple")
def status_tuple(customer_id):
    customer, status = find_customer(customer_id), 200
    # ok: the status half of a literal tuple
    return jsonify(status=status)
