import click
from flask import Blueprint
from flask.views import MethodView

from .db import conn, rename_sku

bp = Blueprint("inventory", __name__)


@click.command()
@click.argument("table")
def truncate(table):
    with conn.cursor() as cur:
        cur.execute("TRUNCATE " + table)  # expect: FC402


class SkuAPI(MethodView):
    def get(self, sku):
        with conn.cursor() as cur:
            cur.execute(f"SELECT sku, qty FROM stock WHERE sku = '{sku}'")  # expect: FC402
            return {"rows": cur.fetchall()}

    def put(self, sku):
        rename_sku("stock", sku, sku.upper())
        return {"ok": True}


bp.add_url_rule("/skus/<sku>", view_func=SkuAPI.as_view("sku"))
