import logging
import traceback

from flask import Blueprint, abort, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import BadRequest, NotFound

from .errors import OrderError
from .extensions import db
from .models import Order, OrderSchema

orders = Blueprint("orders", __name__)
logger = logging.getLogger(__name__)


@orders.post("/")
def create_order():
    try:
        data = OrderSchema().load(request.get_json())
        order = Order(**data)
        db.session.add(order)
        db.session.commit()
    except ValidationError as err:
        # ok: marshmallow's messages describe the client's own input
        return jsonify(errors=err.messages), 422
    except IntegrityError as e:
        db.session.rollback()
        return jsonify(error=f"could not save order: {e}"), 409  # expect: FC501
    except Exception as e:
        logger.exception("order creation failed")
        return jsonify(error=str(e)), 500  # expect: FC501
    return jsonify(id=order.id), 201


@orders.get("/<int:order_id>")
def show_order(order_id):
    try:
        order = db.get_or_404(Order, order_id)
    except NotFound as e:
        # ok: werkzeug's description is written for clients
        return jsonify(error=e.description), 404
    return jsonify(id=order.id, sku=order.sku)


@orders.post("/<int:order_id>/reserve")
def reserve(order_id):
    order = db.get_or_404(Order, order_id)
    try:
        order.reserve()
    except OrderError as e:
        # ok: the project's own error, raised with a message for the customer
        return jsonify(error=e.message), e.status
    return jsonify(reserved=True)


@orders.post("/import")
def import_orders():
    try:
        rows = request.get_json()["rows"]
        for row in rows:
            db.session.add(Order(sku=row["sku"], quantity=int(row["quantity"])))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        details = traceback.format_exc()
        return jsonify(error="import failed", details=details), 500  # expect: FC501
    except (KeyError, ValueError):
        # ok: a fixed message
        return jsonify(error="malformed rows"), 400
    return jsonify(imported=len(rows))


@orders.delete("/<int:order_id>")
def delete_order(order_id):
    try:
        Order.query.filter_by(id=order_id).delete()
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        abort(500, description=str(exc))  # expect: FC501
    return "", 204


@orders.get("/export")
def export():
    try:
        fmt = request.args["format"]
    except BadRequest as e:
        # ok: an HTTP exception's description is for clients
        abort(400, e.description)
    try:
        payload = [{"id": o.id} for o in Order.query.all()]
    except SQLAlchemyError as e:
        logger.error("export failed: %s", e)
        # ok: logged, and a generic message sent
        abort(500, "export failed")
    return jsonify(format=fmt, orders=payload)


@orders.get("/debug")
def debug():
    try:
        return jsonify(count=Order.query.count())
    except Exception as e:
        return f"error: {e!r}", 500  # expect: FC501
