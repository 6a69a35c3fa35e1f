from marshmallow import Schema, fields
from marshmallow_sqlalchemy import SQLAlchemyAutoSchema

from .extensions import ma
from .models import Member, Project


class MemberSchema(ma.SQLAlchemyAutoSchema):  # expect: FC106
    class Meta:
        model = Member


class MemberPublicSchema(SQLAlchemyAutoSchema):
    # ok: the secrets are excluded
    class Meta:
        model = Member
        exclude = ("password_hash", "otp_secret")


class MemberBriefSchema(SQLAlchemyAutoSchema):
    # ok: explicit fields
    class Meta:
        model = Member
        fields = ("id", "email")


class MemberWriteSchema(SQLAlchemyAutoSchema):
    # ok: written through the schema, never dumped with the hash
    password_hash = fields.String(load_only=True)

    class Meta:
        model = Member
        load_only = ("otp_secret",)


class ProjectSchema(SQLAlchemyAutoSchema):
    # ok: the model has no sensitive columns
    class Meta:
        model = Project
        include_fk = True


class ProfileSchema(Schema):
    id = fields.Integer()
    email = fields.Email()
    password = fields.String()  # expect: FC106
    is_password_set = fields.Boolean()


class AccountSchema(ma.Schema):  # expect: FC106
    class Meta:
        fields = ("id", "email", "otp_secret")


class SignupSchema(Schema):
    # ok: an input schema, only ever loaded
    email = fields.Email(required=True)
    password = fields.String(required=True)


class PasswordSchema(Schema):
    # ok: load_only
    password = fields.String(required=True, load_only=True)
    csrf_token = fields.String()


class TokenSchema(Schema):
    # ok: issuing a token is what this schema is for
    access_token = fields.String()
    token_type = fields.String()


class SettingsSchema(ma.Schema):
    theme = fields.String()
    api_key = ma.String()  # expect: FC106
