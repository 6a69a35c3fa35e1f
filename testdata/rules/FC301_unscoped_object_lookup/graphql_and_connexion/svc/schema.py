import graphene
import strawberry
from ariadne import QueryType
from flask_login import current_user

from .models import Invoice

query = QueryType()


class InvoiceType(graphene.ObjectType):
    id = graphene.Int()
    amount = graphene.Float()


class Query(graphene.ObjectType):
    invoice = graphene.Field(InvoiceType, id=graphene.Int())
    my_invoice = graphene.Field(InvoiceType, id=graphene.Int())

    def resolve_invoice(root, info, id):
        return Invoice.query.get(id)  # expect: FC301

    def resolve_my_invoice(root, info, id):
        # ok: scoped to the owner
        return Invoice.query.filter_by(id=id, user_id=current_user.id).first()


@query.field("invoice")
def resolve_invoice(obj, info, id):
    return Invoice.query.get(id)  # expect: FC301


@strawberry.type
class StrawberryQuery:
    @strawberry.field
    def invoice(self, id: int) -> str:
        invoice = Invoice.query.get(id)  # expect: FC301
        return str(invoice.amount)
