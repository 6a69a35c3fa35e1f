import json
import logging

from flask import request

from .extensions import db
from .models import Customer, Invoice

logger = logging.getLogger("billing.services")


def charge(customer_id, amount):
    customer = db.session.get(Customer, customer_id)
    logger.info("charging customer %s: %s", customer_id, customer.__dict__)  # expect: FC502
    logger.info("charging card ending %s", customer.card_last4)
    logger.debug("card: " + customer.card_number)  # expect: FC502
    invoice = Invoice(customer_id=customer_id, total=amount)
    db.session.add(invoice)
    db.session.commit()
    # ok: the invoice's __str__ shows its number and total
    logger.info("created %s", invoice)
    return invoice


def read_event():
    event = json.loads(request.data)
    logger.info("stripe event %s", event)  # expect: FC502
    # ok: the event's type only
    logger.info("stripe event type %s", event.get("type"))
    return event


def audit(action, **details):
    # ok: the action name; the details are chosen by the caller
    logger.info("audit %s", action)
    logging.info("audit details: {}".format(details.get("invoice_id")))


class TotpGenerator:
    def __init__(self, secret):
        self._secret = secret

    def now(self):
        return "000000"


def verify_code(code, otp_secret):
    totp = TotpGenerator(otp_secret)
    # ok: an object whose representation shows nothing secret
    logger.debug("verifying with %s", totp)
    logger.debug("seed %s", otp_secret)  # expect: FC502
    return code == totp.now()
