from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from ..decorators import admin_required
from ..extensions import db
from ..models import Customer, Order, Product, Review

orders = Blueprint("orders", __name__, url_prefix="/orders")


@orders.get("/<int:order_id>")
@login_required
def show(order_id):
    order = Order.query.get_or_404(order_id)  # expect: FC301
    return jsonify(id=order.id, total=str(order.total))


@orders.get("/<int:order_id>/status")
@login_required
def status(order_id):
    # ok: scoped to the current user in the query
    order = Order.query.filter_by(id=order_id, buyer=current_user.id).first_or_404()
    return jsonify(status=order.status)


@orders.get("/<int:order_id>/total")
@login_required
def total(order_id):
    order = db.get_or_404(Order, order_id)
    # ok: ownership compared, then 403
    if order.buyer != current_user.id:
        abort(403)
    return jsonify(total=str(order.total))


@orders.get("/mine/<int:order_id>")
@login_required
def mine(order_id):
    # ok: through the current user's relationship
    order = current_user.orders.filter_by(id=order_id).first_or_404()
    return jsonify(id=order.id)


@orders.delete("/<int:order_id>")
@login_required
def cancel(order_id):
    order = db.session.get(Order, order_id)  # expect: FC301
    order.status = "cancelled"
    db.session.commit()
    return "", 204


@orders.post("/refund")
@login_required
def refund():
    order = db.session.get(Order, request.json["order_id"])  # expect: FC301
    order.status = "refunded"
    db.session.commit()
    return jsonify(ok=True)


@orders.get("/lookup/<order_id>")
@login_required
def lookup(order_id):
    order = Order.query.filter(Order.id == int(order_id)).first()  # expect: FC301
    return jsonify(id=order.id)


@orders.get("/admin/<int:order_id>")
@login_required
@admin_required
def admin_show(order_id):
    # ok: a role check, not just a login
    order = Order.query.get_or_404(order_id)
    return jsonify(id=order.id, buyer=order.buyer)


@orders.get("/products/<int:product_id>")
def product(product_id):
    # ok: products have no owner
    item = Product.query.get_or_404(product_id)
    return jsonify(name=item.name)


@orders.get("/customers/<int:customer_id>")
def customer(customer_id):
    # the user record itself: any logged-in client reads any customer's email
    customer = Customer.query.get_or_404(customer_id)  # expect: FC301
    return jsonify(email=customer.email)


@orders.get("/reviews/<int:review_id>")
def review(review_id):
    # ok: only published reviews, which are public
    item = Review.query.filter_by(id=review_id, published=True).first_or_404()
    return jsonify(text=item.text)


@orders.get("/reviews/<int:review_id>/draft")
@login_required
def review_draft(review_id):
    item = Review.query.filter_by(id=review_id).first_or_404()  # expect: FC301
    return jsonify(text=item.text)


@orders.get("/last")
@login_required
def last():
    # ok: the key is not the client's
    order = Order.query.filter_by(id=current_user.id).first()
    return jsonify(id=order.id)
