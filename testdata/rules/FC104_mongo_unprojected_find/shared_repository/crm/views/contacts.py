from bson.json_util import dumps
from flask import Blueprint

from ..repository import contact_names, find_contacts

contacts_bp = Blueprint("contacts", __name__)


@contacts_bp.route("/contacts/<owner>")
def contacts(owner):
    return dumps(find_contacts(owner))


@contacts_bp.route("/contacts/<owner>/names")
def names(owner):
    return {"names": contact_names(owner)}
