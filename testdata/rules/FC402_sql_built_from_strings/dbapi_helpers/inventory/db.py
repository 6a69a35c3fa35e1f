import psycopg2
from psycopg2 import sql

conn = psycopg2.connect("dbname=inventory")


def rename_sku(table, old, new):
    with conn.cursor() as cur:
        cur.execute(f"UPDATE {table} SET sku = '{new}' WHERE sku = '{old}'")  # expect: FC402


def purge(table):
    with conn.cursor() as cur:
        # ok: psycopg2 composes the identifier safely
        cur.execute(sql.SQL("DELETE FROM {} WHERE expired").format(sql.Identifier(table)))


def copy_table(source):
    # ok: the identifier is quoted and its quotes doubled
    quoted = source.replace('"', '""')
    with conn.cursor() as cur:
        cur.execute(f'CREATE TABLE "{quoted}_backup" AS TABLE "{quoted}"')


def stock_levels(warehouse_ids):
    # ok: placeholders only; the ids are passed separately
    marks = ", ".join(["%s"] * len(warehouse_ids))
    with conn.cursor() as cur:
        cur.execute(f"SELECT sku, qty FROM stock WHERE warehouse_id IN ({marks})", warehouse_ids)
        return cur.fetchall()


def archive_old(days):
    with conn.cursor() as cur:
        cur.execute(f"SELECT id FROM orders WHERE age > {days}")  # expect: FC402
        rows = cur.fetchall()
    for (order_id,) in rows:
        note = f"archived order {order_id} from orders"
        print(note)


def reindex():
    cursor = conn.cursor()
    for row in cursor.execute("SELECT name FROM pg_tables WHERE schemaname = 'public'"):
        cursor.execute(f"REINDEX TABLE {row[0]}")  # expect: FC402


def recently_updated(limit):
    with conn.cursor() as cur:
        # ok: `%d` only formats numbers
        cur.execute("SELECT sku FROM stock ORDER BY updated_at DESC LIMIT %d" % limit)
        return cur.fetchall()
