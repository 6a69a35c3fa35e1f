from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    members = db.relationship("Member", backref="account")

    def to_dict(self):
        return {"id": self.id, "name": self.name}


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    account_id = db.Column(db.Integer, db.ForeignKey("account.id"))
    email = db.Column(db.String(255))
    invites = db.relationship("Invite")  # expect: FC105


class Invite(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    member_id = db.Column(db.Integer, db.ForeignKey("member.id"))
    code = db.Column(db.String(32))
