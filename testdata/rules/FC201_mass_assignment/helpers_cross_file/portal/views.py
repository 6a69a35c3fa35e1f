from flask import Flask, jsonify
from sqlalchemy.orm import Session

from .models import Account
from .payload import ACCOUNT_FIELDS, copy_of, json_body, only

app = Flask(__name__)
session = Session()


@app.post("/accounts")
def create_account():
    account = Account(**json_body())  # expect: FC201
    session.add(account)
    return jsonify(id=account.id), 201


@app.post("/accounts/copy")
def create_account_copy():
    account = Account(**copy_of(json_body()))  # expect: FC201
    session.add(account)
    return jsonify(id=account.id), 201


@app.patch("/accounts/<int:account_id>")
def update_account(account_id):
    account = session.get(Account, account_id)
    for key, value in json_body().items():
        setattr(account, key, value)  # expect: FC201
    return jsonify(id=account.id)


@app.post("/accounts/safe")
def create_account_safe():
    # ok: the helper applies an allow-list
    account = Account(**only(json_body(), ACCOUNT_FIELDS))
    session.add(account)
    return jsonify(id=account.id), 201


@app.patch("/accounts/<int:account_id>/safe")
def update_account_safe(account_id):
    account = session.get(Account, account_id)
    # ok: the helper applies an allow-list
    for key, value in only(json_body(), ACCOUNT_FIELDS).items():
        setattr(account, key, value)
    return jsonify(id=account.id)
