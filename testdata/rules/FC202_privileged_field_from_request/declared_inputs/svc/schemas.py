from marshmallow import Schema, fields
from pydantic import BaseModel


class AccountSchema(Schema):
    name = fields.Str()
    is_admin = fields.Bool()


class ProfileSchema(Schema):
    name = fields.Str()
    email = fields.Email()


class AccountIn(BaseModel):
    name: str
    role: str = "member"


class ProfileIn(BaseModel):
    name: str
