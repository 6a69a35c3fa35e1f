import os
import pickle

from flask import request, send_file, send_from_directory
from werkzeug.utils import secure_filename

from . import bp

ATTACHMENTS = "/srv/blog/attachments"


@bp.route("/attachments/<path:name>")
def attachment(name):
    return send_file(os.path.join(ATTACHMENTS, name))  # expect: FC604


@bp.route("/attachments/safe/<path:name>")
def attachment_safe(name):
    return send_from_directory(ATTACHMENTS, name)


@bp.route("/attachments", methods=["POST"])
def upload():
    upload = request.files["file"]
    upload.save(os.path.join(ATTACHMENTS, secure_filename(upload.filename)))
    return "", 201


@bp.route("/drafts/restore", methods=["POST"])
def restore_draft():
    draft = pickle.loads(request.files["draft"].read())  # expect: FC608
    return {"title": draft["title"]}
