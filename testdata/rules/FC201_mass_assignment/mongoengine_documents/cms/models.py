from flask_mongoengine import MongoEngine
from mongoengine import Document, StringField

db = MongoEngine()


class Article(Document):
    title = StringField()
    body = StringField()
    status = StringField(default="draft")


class Tag(db.Document):
    name = db.StringField()
    official = db.BooleanField(default=False)
