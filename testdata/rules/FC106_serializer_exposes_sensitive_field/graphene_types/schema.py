import graphene
from graphene_sqlalchemy import SQLAlchemyObjectType

from models import Tag, User


class UserType(SQLAlchemyObjectType):  # expect: FC106
    class Meta:
        model = User


class PublicUserType(SQLAlchemyObjectType):
    # ok: only the public columns
    class Meta:
        model = User
        only_fields = ("id", "username")


class AccountType(SQLAlchemyObjectType):
    # ok: the secrets are excluded
    class Meta:
        model = User
        exclude_fields = ("password_hash", "api_key")


class TagType(SQLAlchemyObjectType):
    # ok: no sensitive column
    class Meta:
        model = Tag


class Query(graphene.ObjectType):
    users = graphene.List(UserType)
