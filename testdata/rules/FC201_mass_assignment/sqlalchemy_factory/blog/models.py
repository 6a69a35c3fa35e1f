from dataclasses import dataclass

from flask_login import UserMixin

from .extensions import db, login_manager


class CRUDMixin:
    @classmethod
    def create(cls, **kwargs):
        instance = cls(**kwargs)
        db.session.add(instance)
        return instance

    def update(self, **kwargs):
        for attr, value in kwargs.items():
            setattr(self, attr, value)
        return self


class User(UserMixin, CRUDMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    bio = db.Column(db.Text)
    is_admin = db.Column(db.Boolean, default=False)


class Post(CRUDMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200))
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"))


class Invite(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255))
    role = db.Column(db.String(20), default="member")

    def __init__(self, email):
        # the signature is the allow-list: `Invite(**data)` accepts `email` only
        self.email = email


class Team(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    plan = db.Column(db.String(20), default="free")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.plan = self.plan or "free"


@dataclass
class SearchOptions:
    q: str = ""
    page: int = 1


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))
