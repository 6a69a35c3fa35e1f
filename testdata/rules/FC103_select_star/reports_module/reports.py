import pandas as pd
from sqlalchemy import create_engine

engine = create_engine("postgresql://reports@db/reports")


class Queries:
    MONTHLY = "SELECT * FROM monthly_sales WHERE month = %(month)s"  # expect: FC103
    TOTALS = "SELECT SUM(total) FROM monthly_sales"


def monthly(month):
    return pd.read_sql(Queries.MONTHLY, engine, params={"month": month})


def customers(schema):
    table = f"{schema}.customers"
    return pd.read_sql(f"SELECT c.* FROM {table} c", engine)  # expect: FC103


def customers_since(schema, since):
    return pd.read_sql(
        "SELECT * FROM " + schema + ".customers WHERE created > %s",  # expect: FC103
        engine,
        params=(since,),
    )


def totals():
    # ok: an aggregate
    return pd.read_sql(Queries.TOTALS, engine)


def nested_count():
    # ok: counting inside a subquery
    return pd.read_sql("SELECT (SELECT COUNT(*) FROM orders) AS n", engine)


def names():
    # ok: explicit columns, lower case
    return pd.read_sql("select id, name from customers", engine)


def quoted_identifiers():
    return pd.read_sql('SELECT "c".* FROM "customers" "c"', engine)  # expect: FC103


def bytes_literal():
    # ok: bytes are not read as SQL text
    return b"SELECT * FROM raw"
