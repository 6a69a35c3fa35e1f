from .extensions import db


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255))
    password_hash = db.Column(db.String(255))
    otp_secret = db.Column(db.String(32))


class Project(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    owner_id = db.Column(db.Integer, db.ForeignKey("member.id"))
