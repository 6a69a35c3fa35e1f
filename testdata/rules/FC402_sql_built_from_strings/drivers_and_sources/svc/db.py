import asyncpg
from psycopg2 import sql
from sqlalchemy import text as sql_text

from .models import Item

POOL = None


async def find_items(pool, name):
    # a helper: its callers decide
    return await pool.fetch(f"SELECT id FROM items WHERE name = '{name}'")  # expect: FC402


def by_fragment(term):
    return Item.query.filter(sql_text(f"name LIKE '%{term}%'")).all()  # expect: FC402


def psycopg_query(conn, table):
    with conn.cursor() as cur:
        cur.execute(sql.SQL(f"SELECT id FROM {table}"))  # expect: FC402
        # ok: psycopg composes identifiers safely
        cur.execute(sql.SQL("SELECT id FROM {}").format(sql.Identifier(table)))
        return cur.fetchall()


def pg8000_query(conn, name):
    return conn.run(f"SELECT id FROM items WHERE name = '{name}'")  # expect: FC402


def not_sql(debugger, src):
    # ok: a method named `run` given text that is no SQL
    debugger.run("exec(%r)" % src)


# a module-level statement counts like a function body; a name nothing defines is not a constant
LEGACY = conn_factory().execute(f"SELECT id FROM items WHERE tag = '{LEGACY_TAG}'")  # expect: FC402
