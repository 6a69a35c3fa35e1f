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


class ApiKeyInfoSchema(Schema):
    created_at = fields.DateTime()
    last_used_at = fields.DateTime()


class MemberExportSchema(Schema):
    email = fields.Email()
    # ok: the nested schema decides what is dumped, and it holds no secret
    api_key = fields.Nested(ApiKeyInfoSchema)
    old_api_keys = fields.List(fields.Nested(ApiKeyInfoSchema))


class SSHTunnelSchema(Schema):
    # ok: only nested in schemas that are loaded
    server = fields.String()
    password = fields.String()
    private_key = fields.String()


class ServerPostSchema(Schema):
    name = fields.String(required=True)
    tunnel = fields.Nested(SSHTunnelSchema)


class ServerPutSchema(Schema):
    name = fields.String()
    tunnel = fields.Nested(SSHTunnelSchema)


class WebhookSchema(Schema):
    url = fields.Url()
    signing_secret = fields.String()  # expect: FC106


class SignedWebhookSchema(WebhookSchema):
    # ok: the inherited field is reported once, where it is declared
    events = fields.List(fields.String())


class ConnectionSchema(Schema):
    # ok: only ever loaded (views.py)
    host = fields.String()
    password = fields.String()


class RegisterSchema(Schema):
    email = fields.Email()
    # input by its name, but views.py dumps it
    password = fields.String()  # expect: FC106
