import os

import jwt
import psycopg2
import stripe
from flask import current_app
from pymongo import MongoClient

stripe.api_key = "sk_live_51HcJq2Lk8d9X0aBcDeFgHiJk"  # expect: FC504

events = MongoClient("mongodb://billing:hunter2@mongo.internal:27017/billing")  # expect: FC504
ledger = psycopg2.connect(host="ledger.internal", user="billing", password="L3dg3r!")  # expect: FC504


def issue_token(customer_id):
    return jwt.encode({"sub": customer_id}, "billing-signing-key", algorithm="HS256")  # expect: FC504


def verify_token(token):
    # ok: the key comes from the config
    return jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"])


def reporting_connection():
    # ok: the password comes from the environment
    return psycopg2.connect(host="reports.internal", password=os.environ["PGPASSWORD"])


def archive_client():
    # ok: no password in the URI
    return MongoClient("mongodb://archive.internal:27017/archive", tls=True)
