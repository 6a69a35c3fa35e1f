from marshmallow import Schema, fields


class LookupSchema(Schema):
    email = fields.Email(required=True)
