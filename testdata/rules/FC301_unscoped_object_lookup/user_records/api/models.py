from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80))
    avatar = db.Column(db.String(200))
    email = db.Column(db.String(120))
    phone = db.Column(db.String(40))
    password_hash = db.Column(db.String(128))
