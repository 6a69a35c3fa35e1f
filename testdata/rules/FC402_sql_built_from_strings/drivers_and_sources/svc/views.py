from flask import Flask
from flask_restx import Api, Resource, reqparse
from sqlalchemy import text
from webargs import fields
from webargs.flaskparser import use_kwargs

from .models import db

app = Flask(__name__)
api = Api(app)
parser = reqparse.RequestParser()
parser.add_argument("name")


@api.route("/items")
class Items(Resource):
    def get(self):
        args = parser.parse_args()
        rows = db.session.execute(text(f"SELECT id FROM items WHERE name = '{args['name']}'"))  # expect: FC402
        return [dict(row._mapping) for row in rows]

    def post(self):
        name = api.payload["name"]
        db.session.execute(text("INSERT INTO items (name) VALUES ('%s')" % name))  # expect: FC402
        return {}, 201


@app.route("/items/search")
@use_kwargs({"q": fields.Str(), "limit": fields.Int()}, location="query")
def search(q, limit):
    rows = db.session.execute(text(f"SELECT id FROM items WHERE name = '{q}'"))  # expect: FC402
    # ok: webargs lets only an integer through
    more = db.session.execute(text(f"SELECT id FROM items LIMIT {limit}"))
    return {"ids": [r.id for r in rows] + [r.id for r in more]}
