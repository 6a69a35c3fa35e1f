from flask import Flask, jsonify, request
from flask_restx import Api, Resource, reqparse
from webargs.flaskparser import use_args

from .forms import AccountForm, ProfileForm
from .models import Account, db
from .schemas import AccountIn, AccountSchema, ProfileIn, ProfileSchema

app = Flask(__name__)
api = Api(app)

parser = reqparse.RequestParser()
parser.add_argument("name", type=str)
parser.add_argument("is_admin", type=bool)

profile_parser = reqparse.RequestParser()
profile_parser.add_argument("name", type=str)


@api.route("/accounts")
class Accounts(Resource):
    def post(self):
        account = Account(**parser.parse_args())  # expect: FC202
        db.session.add(account)
        return {"id": account.id}

    def put(self):
        args = profile_parser.parse_args()
        # ok: the parser declares no privileged key
        account = Account(**args)
        return {"id": account.id}

    def patch(self):
        account = Account.query.get(1)
        account.role = api.payload["role"]  # expect: FC202
        account.name = api.payload["name"]
        return {"id": account.id}


@app.route("/accounts/form", methods=["POST"])
def account_form():
    form = AccountForm()
    account = Account()
    if form.validate_on_submit():
        form.populate_obj(account)  # expect: FC202
    return jsonify(id=account.id)


@app.route("/accounts/profile-form", methods=["POST"])
def profile_form():
    form = ProfileForm()
    account = Account()
    # ok: the form declares no privileged field
    form.populate_obj(account)
    account.role = form.name.data  # expect: FC202
    return jsonify(id=account.id)


@app.route("/accounts/args", methods=["POST"])
@use_args(AccountSchema(), location="json")
def account_args(args):
    account = Account(**args)  # expect: FC202
    return jsonify(id=account.id)


@app.route("/accounts/profile-args", methods=["POST"])
@use_args(ProfileSchema(), location="json")
def profile_args(args):
    # ok: the schema declares no privileged field
    account = Account(**args)
    return jsonify(id=account.id)


@app.route("/accounts/pydantic", methods=["POST"])
def account_pydantic():
    data = AccountIn(**request.get_json())
    account = Account(**data.dict())  # expect: FC202
    return jsonify(id=account.id)


@app.route("/accounts/pydantic-profile", methods=["POST"])
def profile_pydantic():
    data = ProfileIn.model_validate(request.get_json())
    # ok: the model declares no privileged field
    account = Account(**data.model_dump())
    return jsonify(id=account.id)
