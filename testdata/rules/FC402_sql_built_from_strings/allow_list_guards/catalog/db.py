import sqlite3

from flask import g

SORTABLE = {"name", "price", "created_at"}
DIRECTIONS = ("asc", "desc")
TABLES = {"products": "products", "archive": "products_archive"}
BLOCKED_TABLES = ["users", "sessions"]


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect("catalog.db")
    return g.db
