from flask import Flask, jsonify, make_response
from flask_sqlalchemy import SQLAlchemy
from marshmallow import Schema, fields

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
db = SQLAlchemy(app)


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    handle = db.Column(db.String)
    active = db.Column(db.Boolean)
    totp_secret = db.Column(db.String)

    def to_dict(self):
        return {"id": self.id, "handle": self.handle}


class MemberSchema(Schema):
    id = fields.Int()
    handle = fields.Str()


@app.route("/members/iterated")
def iterated():
    return jsonify([m for m in Member.query.filter_by(active=True)])  # expect: FC102


@app.route("/members/listed")
def listed():
    members = list(Member.query.filter(Member.active.is_(True)))
    return make_response(jsonify(members))  # expect: FC102


@app.route("/members/db-select")
def db_select():
    return jsonify(data=db.session.execute(db.select(Member)).scalars().all())  # expect: FC102


@app.route("/members/db-paginate")
def db_paginate():
    page = db.paginate(db.select(Member).order_by(Member.id))
    return jsonify(page.items)  # expect: FC102


@app.route("/members/schema")
def schema():
    members = Member.query.all()
    # ok: a marshmallow schema with many=True
    return jsonify(MemberSchema(many=True).dump(members))


@app.route("/members/to-dict")
def to_dict():
    # ok: each element serialized
    return jsonify([m.to_dict() for m in Member.query.all()])


@app.route("/members/count")
def count():
    # ok: a number
    return jsonify(count=Member.query.count())


@app.route("/members/handles")
def handles():
    members = Member.query.all()
    # ok: a set of one column
    return jsonify(sorted({m.handle for m in members}))
