import os

import asyncpg
import psycopg2
import pymysql
from sqlalchemy import create_engine

ledger = psycopg2.connect(host="ledger.internal", dbname="ledger", sslmode="disable")  # expect: FC505
reports = psycopg2.connect("host=reports.internal dbname=reports sslmode=disable")  # expect: FC505
orders = pymysql.connect(host="mysql.internal", user="payments", ssl_disabled=True)  # expect: FC505
engine = create_engine(os.environ["PAYMENTS_URL"], connect_args={"ssl": False})  # expect: FC505


async def pool():
    return await asyncpg.create_pool(dsn=os.environ["LEDGER_DSN"], ssl=False)  # expect: FC505


def connect_args():
    args = {"application_name": "payments"}
    args["sslmode"] = "prefer"  # expect: FC505
    return args


# ok: TLS required with verification
secure = psycopg2.connect(host="ledger.internal", dbname="ledger", sslmode="verify-full")
strict = create_engine(os.environ["PAYMENTS_URL"], connect_args={"sslmode": "verify-ca"})
