from bson import ObjectId
from flask import Blueprint, abort, g, jsonify, request, session
from flask_login import current_user, login_required

from .decorators import admin_required
from .extensions import mongo, reports
from .repository import invoices_collection, tickets_of

bp = Blueprint("helpdesk", __name__)


class Registry:
    """Not a collection: an in-memory index with a method of the same name."""

    def find_one(self, query):
        return {}


registry = Registry()


@bp.get("/tickets")
@login_required
def my_tickets():
    return jsonify(tickets_of(current_user.id))


@bp.get("/tickets/<ticket_id>")
@login_required
def show_ticket(ticket_id):
    ticket = mongo.db.tickets.find_one_or_404({"_id": ObjectId(ticket_id)}, {"subject": 1})  # expect: FC301
    return jsonify(subject=ticket["subject"])


@bp.delete("/tickets/<ticket_id>")
@login_required
def delete_ticket(ticket_id):
    mongo.db.tickets.delete_one({"_id": ObjectId(ticket_id)})  # expect: FC301
    return "", 204


@bp.post("/tickets/<ticket_id>/close")
@login_required
def close_ticket(ticket_id):
    tickets = mongo.db.tickets
    tickets.find_one_and_update({"_id": ObjectId(ticket_id)}, {"$set": {"open": False}})  # expect: FC301
    return "", 204


@bp.get("/invoices")
def invoice():
    # the key comes from the query string; the filter is built in a variable
    query = {"_id": ObjectId(request.args["id"])}
    doc = invoices_collection.find_one(query, {"amount": 1})  # expect: FC301
    return jsonify(amount=doc["amount"])


@bp.get("/exports/<export_id>")
def export(export_id):
    doc = reports.exports.find_one({"_id": ObjectId(export_id)}, {"name": 1})  # expect: FC301
    return jsonify(name=doc["name"])


@bp.get("/tickets/<ticket_id>/mine")
@login_required
def my_ticket(ticket_id):
    # ok: the filter names the owner
    ticket = mongo.db.tickets.find_one(
        {"_id": ObjectId(ticket_id), "userId": current_user.id}, {"subject": 1}
    )
    return jsonify(subject=ticket["subject"] if ticket else None)


@bp.get("/tickets/<ticket_id>/checked")
@login_required
def checked_ticket(ticket_id):
    ticket = mongo.db.tickets.find_one({"_id": ObjectId(ticket_id)}, {"subject": 1, "userId": 1})
    # ok: compared with the current user after loading
    if ticket["userId"] != current_user.id:
        abort(404)
    return jsonify(subject=ticket["subject"])


@bp.get("/invoices/<invoice_id>")
def checked_invoice(invoice_id):
    owner = session.get("uid")
    doc = invoices_collection.find_one({"_id": ObjectId(invoice_id)}, {"amount": 1, "owner_id": 1})
    # ok: the document's owner field is compared
    if doc.get("owner_id") != owner:
        abort(404)
    return jsonify(amount=doc["amount"])


@bp.get("/articles/<article_id>")
def article(article_id):
    # ok: nothing in the project filters articles by an owner (a public knowledge base)
    doc = mongo.db.articles.find_one({"_id": ObjectId(article_id)}, {"title": 1})
    return jsonify(title=doc["title"])


@bp.get("/admin/tickets/<ticket_id>")
@admin_required
def admin_ticket(ticket_id):
    # ok: the decorator checks more than a login
    ticket = mongo.db.tickets.find_one({"_id": ObjectId(ticket_id)}, {"subject": 1})
    return jsonify(subject=ticket["subject"])


@bp.get("/tickets/latest")
@login_required
def latest_ticket():
    # ok: the key is a constant, not chosen by the client
    ticket = mongo.db.tickets.find_one({"_id": "pinned"}, {"subject": 1})
    return jsonify(subject=ticket["subject"])


@bp.get("/registry/<key>")
def registry_entry(key):
    # ok: `registry` is not a Mongo collection
    entry = registry.find_one({"_id": key})
    return jsonify(entry)


@bp.get("/tickets/<ticket_id>/team")
def team_ticket(ticket_id):
    # ok: scoped to the user the request was authenticated as
    ticket = mongo.db.tickets.find_one({"_id": ObjectId(ticket_id), "team": g.team}, {"subject": 1})
    return jsonify(subject=ticket["subject"])
