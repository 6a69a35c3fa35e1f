import sqlite3

from flask import current_app, g

PRODUCTS_TABLE = "products"


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db
