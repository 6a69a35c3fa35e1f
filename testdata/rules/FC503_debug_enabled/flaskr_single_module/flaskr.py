import sqlite3

from flask import Flask, g

DATABASE = "/tmp/flaskr.db"
DEBUG = True  # expect: FC503
USERNAME = "admin"

app = Flask(__name__)
app.config.from_object(__name__)


def connect_db():
    return sqlite3.connect(app.config["DATABASE"])


@app.before_request
def before_request():
    g.db = connect_db()


@app.route("/")
def show_entries():
    cur = g.db.execute("SELECT title, text FROM entries ORDER BY id DESC")
    return {"entries": [dict(title=row[0], text=row[1]) for row in cur.fetchall()]}


if __name__ == "__main__":
    app.run(debug=True)  # expect: FC503
