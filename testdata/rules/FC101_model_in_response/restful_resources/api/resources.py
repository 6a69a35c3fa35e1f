from flask import Flask
from flask.views import MethodView
from flask_restful import Api, Resource, fields, marshal, marshal_with

from .models import Account

app = Flask(__name__)
api = Api(app)

account_fields = {"id": fields.Integer, "username": fields.String}


class AccountResource(Resource):
    def get(self, account_id):
        account = Account.find(account_id)
        return account  # expect: FC101

    def delete(self, account_id):
        account = Account.find(account_id)
        # ok: a status, not the object
        return {"deleted": account.id}, 200


class AccountTuple(Resource):
    def get(self, account_id):
        return Account.query.get_or_404(account_id), 200  # expect: FC101


class MarshalledAccount(Resource):
    @marshal_with(account_fields)
    def get(self, account_id):
        # ok: @marshal_with serializes the declared fields only
        return Account.find(account_id)


class MarshalCall(Resource):
    def get(self, account_id):
        # ok: marshal() with a fields dict
        return marshal(Account.find(account_id), account_fields)


class DecoratedByClass(Resource):
    method_decorators = [marshal_with(account_fields)]

    def get(self, account_id):
        # ok: the class applies marshal_with to every method
        return Account.find(account_id)


class AccountView(MethodView):
    def get(self, account_id):
        account = Account.find(account_id)
        return {"account": account}  # expect: FC101

    def put(self, account_id):
        account = Account.find(account_id)
        # ok: explicit fields
        return {"account": {"id": account.id, "username": account.username}}


class NotAView:
    def get(self, account_id):
        # ok: a plain class is not a view
        return Account.find(account_id)


api.add_resource(AccountResource, "/accounts/<int:account_id>")
api.add_resource(AccountTuple, "/accounts/<int:account_id>/tuple")
app.add_url_rule("/view/accounts/<int:account_id>", view_func=AccountView.as_view("account"))
