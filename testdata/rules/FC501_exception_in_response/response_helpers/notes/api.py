import logging
import sqlite3

from flask import Blueprint, request
from pydantic import ValidationError

from .responses import error_response, json_error, problem, success
from .schemas import NoteIn

api = Blueprint("notes", __name__)
log = logging.getLogger(__name__)


def connect():
    return sqlite3.connect("notes.db")


@api.post("/notes")
def add_note():
    try:
        note = NoteIn.model_validate(request.get_json())
    except ValidationError as e:
        # ok: pydantic's errors describe the client's own input
        return error_response(e.errors(), 422)
    try:
        with connect() as conn:
            conn.execute("INSERT INTO notes (text) VALUES (?)", (note.text,))
    except sqlite3.Error as e:
        return error_response(str(e), 500)  # expect: FC501
    return success({"text": note.text})


@api.get("/notes")
def list_notes():
    try:
        with connect() as conn:
            rows = conn.execute("SELECT id, text FROM notes").fetchall()
    except sqlite3.OperationalError as e:
        return json_error(e.args)  # expect: FC501
    return success([{"id": r[0], "text": r[1]} for r in rows])


@api.delete("/notes/<int:note_id>")
def delete_note(note_id):
    try:
        with connect() as conn:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    except Exception as e:
        log.exception("delete failed")
        return problem("delete failed", f"{type(e).__name__}: {e}")  # expect: FC501
    return success({"deleted": note_id})


@api.put("/notes/<int:note_id>")
def update_note(note_id):
    try:
        text = request.get_json()["text"]
    except (TypeError, KeyError) as e:
        log.info("bad update payload: %s", e)
        # ok: the exception is logged; the client gets a fixed message
        return error_response("body must hold a text field")
    return success({"id": note_id, "text": text})
