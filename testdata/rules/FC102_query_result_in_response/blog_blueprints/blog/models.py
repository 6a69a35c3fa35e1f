from .extensions import db


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String)
    email = db.Column(db.String)
    posts = db.relationship("Post", backref="author")
    drafts = db.relationship("Draft", lazy="dynamic")


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
    moderation_notes = db.Column(db.Text)


class Draft(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))
    body = db.Column(db.Text)
