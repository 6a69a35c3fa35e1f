from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80))
    api_token = db.Column(db.String(64))

    @classmethod
    def find(cls, account_id):
        return cls.query.get(account_id)
