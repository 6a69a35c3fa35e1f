from flask_restx import reqparse

from .models import Note, db

parser = reqparse.RequestParser()
parser.add_argument("title")
parser.add_argument("body")


def create_note(body):
    note = Note(**body)  # expect: FC201
    db.session.add(note)
    return {"id": note.id}, 201


def create_parsed():
    # ok: the parser's declared arguments are an allow-list
    note = Note(**parser.parse_args())
    db.session.add(note)
    return {"id": note.id}, 201
