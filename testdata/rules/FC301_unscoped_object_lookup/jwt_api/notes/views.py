from flask import Blueprint, g, jsonify, request, session
from flask_jwt_extended import get_jwt_identity, jwt_required

from .models import Attachment, Note, db

bp = Blueprint("notes", __name__)


@bp.get("/notes/<int:note_id>")
@jwt_required()
def get_note(note_id):
    note = Note.query.filter(Note.id == note_id).first()  # expect: FC301
    return jsonify(text=note.text)


@bp.get("/notes/<int:note_id>/mine")
@jwt_required()
def get_my_note(note_id):
    note = Note.query.get_or_404(note_id)
    # ok: compared with the token's identity
    if note.user_id != get_jwt_identity():
        return jsonify(error="not yours"), 404
    return jsonify(text=note.text)


@bp.get("/notes/by-owner/<int:note_id>")
def get_note_g(note_id):
    # ok: filtered by the user the request was authenticated as
    note = Note.query.filter_by(id=note_id, user_id=g.user.id).first_or_404()
    return jsonify(text=note.text)


@bp.get("/attachments")
def attachment():
    attachment_id = request.args.get("id", type=int)
    item = db.session.get(Attachment, attachment_id)  # expect: FC301
    return jsonify(path=item.path)


@bp.get("/attachments/<int:attachment_id>/session")
def attachment_session(attachment_id):
    item = db.session.get(Attachment, attachment_id)
    # ok: compared with the session's user
    if item.owner_id != session["user_id"]:
        return jsonify(error="forbidden"), 403
    return jsonify(path=item.path)


@bp.get("/notes/<int:note_id>/owner-filter")
@jwt_required()
def owner_filter(note_id):
    # ok: the where clause names the owner column
    stmt = db.select(Note).where(Note.id == note_id, Note.user_id == get_jwt_identity())
    note = db.session.execute(stmt).scalar_one_or_none()
    return jsonify(text=note.text if note else None)


def load_note(note_id):
    # ok: not a view (helpers are not followed)
    return Note.query.get(note_id)
