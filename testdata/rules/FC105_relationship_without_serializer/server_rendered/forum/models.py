from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Forum(db.Model):
    # ok: the project serializes no model at all (its templates pick the fields)
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(255))
    topics = db.relationship("Topic", backref="forum", lazy="dynamic")


class Topic(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    forum_id = db.Column(db.Integer, db.ForeignKey("forum.id"))
    title = db.Column(db.String(255))
    posts = db.relationship("Post", backref="topic", lazy="dynamic")


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    topic_id = db.Column(db.Integer, db.ForeignKey("topic.id"))
    content = db.Column(db.Text)
