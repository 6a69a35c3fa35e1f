import psycopg2

conn = psycopg2.connect("dbname=store")


def all_products():
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT
                *
            FROM products
            """  # expect[-2]: FC103
        )
        return cur.fetchall()


def products_in(table):
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM %s" % table)  # expect: FC103
        return cur.fetchall()


def products_format(table):
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM {}".format(table))  # expect: FC103
        return cur.fetchall()


def recent_orders():
    with conn.cursor() as cur:
        cur.execute("WITH recent AS (SELECT id, total FROM orders) SELECT * FROM recent;")  # expect: FC103
        return cur.fetchall()


def top_customers():
    with conn.cursor() as cur:
        cur.execute("SELECT TOP 10 * FROM customers ORDER BY spend DESC")  # expect: FC103
        return cur.fetchall()


def qualified():
    with conn.cursor() as cur:
        cur.execute("SELECT public.customers.* FROM public.customers")  # expect: FC103
        return cur.fetchall()


def insert(name):
    with conn.cursor() as cur:
        # ok: not a select
        cur.execute("INSERT INTO products (name) VALUES (%s)", (name,))


def double_prices():
    with conn.cursor() as cur:
        # ok: arithmetic in an UPDATE
        cur.execute("UPDATE products SET price = price * 2")


def in_subquery():
    with conn.cursor() as cur:
        # ok: explicit columns everywhere
        cur.execute("SELECT id FROM products WHERE id IN (SELECT product_id FROM sales)")
        return cur.fetchall()


def delete_all():
    with conn.cursor() as cur:
        # ok: DELETE
        cur.execute("DELETE FROM carts WHERE created < now() - interval '1 day'")


def dynamic_columns(columns):
    with conn.cursor() as cur:
        # ok: the column list is chosen by the caller
        cur.execute(f"SELECT {', '.join(columns)} FROM products")
        return cur.fetchall()
