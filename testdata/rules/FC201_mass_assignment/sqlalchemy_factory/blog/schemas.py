from marshmallow import Schema, fields
from pydantic import BaseModel


class UserSchema(Schema):
    name = fields.String()
    bio = fields.String()


class UserIn(BaseModel):
    name: str
    bio: str = ""
