import os

from flask import request
from werkzeug.utils import secure_filename

from . import app

UPLOADS = "/srv/uploads"


@app.route("/upload", methods=["POST"])
def upload():
    upload = request.files["file"]
    upload.save(os.path.join(UPLOADS, upload.filename))  # expect: FC604
    return "", 201


@app.route("/upload/secure", methods=["POST"])
def upload_secure():
    upload = request.files["file"]
    # ok: the client's file name is made harmless
    upload.save(os.path.join(UPLOADS, secure_filename(upload.filename)))
    return "", 201


@app.route("/upload/many", methods=["POST"])
def upload_many():
    for upload in request.files.getlist("files"):
        upload.save(f"{UPLOADS}/{upload.filename}")  # expect: FC604
    return "", 201
