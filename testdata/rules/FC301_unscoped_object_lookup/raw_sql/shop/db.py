import sqlite3


def connect():
    return sqlite3.connect("shop.db")


def my_orders(user_id):
    # filters `orders` by its owner: the table is owned
    return connect().execute("SELECT id, total FROM orders WHERE user_id = ?", (user_id,)).fetchall()
