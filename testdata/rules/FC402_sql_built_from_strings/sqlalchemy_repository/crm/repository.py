from sqlalchemy import text

from .extensions import db
from .models import Customer
from .tables import AUDIT_TABLE, CUSTOMER_COLUMNS

FIND_BY_REGION = "SELECT id, name FROM customers WHERE region = '%s'"
COUNT_IN = "SELECT COUNT(id) FROM {table} WHERE owner = :owner"


def find_by_email(email):
    return db.session.execute(
        text(f"SELECT id, name FROM customers WHERE email = '{email}'")  # expect: FC402
    ).all()


def find_by_region(region):
    return db.session.execute(text(FIND_BY_REGION % region)).all()  # expect: FC402


def count_rows(table, owner):
    sql = COUNT_IN.format(table=table)  # expect: FC402
    return db.session.execute(text(sql), {"owner": owner}).scalar()


def find_by_ids(ids):
    # ok: one placeholder per id, the values are bound
    placeholders = ", ".join([":id%d" % i for i in range(len(ids))])
    params = {"id%d" % i: value for i, value in enumerate(ids)}
    return db.session.execute(
        text(f"SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id IN ({placeholders})"), params
    ).all()


def audit_trail(customer_id):
    # ok: the table name is a constant imported from another module
    return db.session.execute(
        text(f"SELECT action, at FROM {AUDIT_TABLE} WHERE customer_id = :cid"),
        {"cid": customer_id},
    ).all()


def customer_table_size():
    # ok: the model's table name
    return db.session.execute(text(f"SELECT COUNT(id) FROM {Customer.__tablename__}")).scalar()


def search(name):
    # ok: bound parameter
    return db.session.execute(
        text("SELECT id FROM customers WHERE name ILIKE :pattern"), {"pattern": f"%{name}%"}
    ).all()
