"""Queries shared by the views and the workers."""

from .extensions import mongo, reports

invoices_collection = mongo.db.invoices


def tickets_of(user_id):
    # tickets belong to a user: this filter is the evidence
    return list(mongo.db.tickets.find({"userId": user_id}, {"subject": 1}))


def record_invoice(owner_id, amount):
    invoices_collection.insert_one({"owner_id": owner_id, "amount": amount})


def exports_of(account_id):
    query = {"account_id": account_id}
    return list(reports["exports"].find(query, {"name": 1}))


def find_ticket(ticket_id):
    # ok: not a view (helpers are not followed)
    return mongo.db.tickets.find_one({"_id": ticket_id})
