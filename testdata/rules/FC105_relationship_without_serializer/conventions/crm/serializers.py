from flask_restful import fields
from flask_restx import Namespace
from marshmallow import Schema
from marshmallow import fields as ma_fields

ns = Namespace("crm")

team_fields = {"id": fields.Integer, "name": fields.String}

project_model = ns.model("Project", {"id": fields.Integer})


class MemberPublicSchema(Schema):
    id = ma_fields.Integer()


class ApiKeyDTO:
    def __init__(self, key):
        self.id = key.id


def serialize_invoice(invoice):
    return {"id": invoice.id}


def contract_to_dict(contract):
    return {"id": contract.id}


class MeetingSerializer:
    def __init__(self, meeting):
        self.meeting = meeting
