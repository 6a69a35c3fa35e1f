import logging

from flask import Blueprint, jsonify, request

from .services import charge, read_event

api = Blueprint("billing", __name__, url_prefix="/billing")
_LOGGER = logging.getLogger(__name__)


@api.post("/charges")
def create_charge():
    data = request.get_json(force=True)
    _LOGGER.info("charge request: {}".format(data))  # expect: FC502
    invoice = charge(data["customer_id"], data["amount"])
    # ok: chosen fields
    _LOGGER.info("charged %s for %s", data["customer_id"], data["amount"])
    return jsonify(id=invoice.id), 201


@api.post("/stripe")
def stripe_webhook():
    event = read_event()
    signature = request.headers.get("Stripe-Signature")
    # ok: a count, not the secret
    _LOGGER.debug("signature length %d", len(signature))
    return jsonify(received=event["id"])


@api.get("/search")
def search():
    # ok: query-string arguments are in every access log already
    _LOGGER.info("search %s", request.args)
    return jsonify([])
