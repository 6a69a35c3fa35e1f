import os
import shutil

from flask import abort, request, send_file, send_from_directory
from werkzeug.security import safe_join
from werkzeug.utils import secure_filename

from . import app
from .storage import BASE, ROOT, path_for, requested_path, stored_path

REPORTS = {"daily.csv", "weekly.csv"}


@app.route("/read")
def read():
    name = request.args.get("name", "")
    with open(os.path.join(ROOT, name)) as handle:  # expect: FC604
        return handle.read()


@app.route("/read/secure")
def read_secure():
    name = secure_filename(request.args.get("name", ""))
    # ok: one harmless file name
    with open(os.path.join(ROOT, name)) as handle:
        return handle.read()


@app.route("/read/basename")
def read_basename():
    # ok: the last part of the path only
    return open(os.path.join(ROOT, os.path.basename(request.args["name"]))).read()


@app.route("/read/helper")
def read_helper():
    # The path is built from the request by a helper in another module.
    return open(requested_path()).read()  # expect: FC604


@app.route("/read/stored")
def read_stored():
    # ok: the helper makes the name harmless
    return open(stored_path()).read()


@app.route("/read/passed")
def read_passed():
    return open(path_for(request.args["name"])).read()  # expect: FC604


@app.route("/download")
def download():
    return send_file(os.path.join(ROOT, request.args["file"]))  # expect: FC604


@app.route("/download/dir")
def download_dir():
    # ok: `send_from_directory` keeps the name inside the folder
    return send_from_directory(ROOT, request.args["file"])


@app.route("/download/folder")
def download_folder():
    return send_from_directory(request.args["folder"], "index.html")  # expect: FC604


@app.route("/download/joined")
def download_joined():
    # ok: `safe_join` refuses names that leave the folder
    return send_file(safe_join(ROOT, request.args["file"]))


@app.route("/download/checked")
def download_checked():
    path = os.path.realpath(os.path.join(ROOT, request.args["file"]))
    if not path.startswith(ROOT + os.sep):
        abort(403)
    # ok: resolved and checked to be inside the folder
    return send_file(path)


@app.route("/download/resolved")
def download_resolved():
    path = os.path.realpath(os.path.join(ROOT, request.args["file"]))
    # resolved, but never checked
    return send_file(path)  # expect: FC604


@app.route("/report/<name>")
def report(name):
    if name not in REPORTS:
        abort(404)
    # ok: one of the reports listed here
    return send_file(os.path.join(ROOT, name))


@app.route("/static/<path:subpath>")
def static_file(subpath):
    return send_file(os.path.join(ROOT, subpath))  # expect: FC604


@app.route("/avatar/<name>")
def avatar(name):
    # A `<name>` variable holds no `/`, but `..` is the parent folder.
    return send_file(os.path.join(ROOT, "avatars", name))  # expect: FC604


@app.route("/note/<int:note_id>")
def note(note_id):
    # ok: a number
    return open(os.path.join(ROOT, f"{note_id}.txt")).read()


@app.route("/doc")
def doc():
    return (BASE / "docs" / request.args["page"]).read_text()  # expect: FC604


@app.route("/doc/resolved")
def doc_resolved():
    path = (BASE / request.args["page"]).resolve()
    if not path.is_relative_to(BASE):
        abort(403)
    # ok: resolved and checked
    return path.read_text()


@app.route("/trash", methods=["POST"])
def trash():
    os.remove(os.path.join(ROOT, request.form["name"]))  # expect: FC604
    return "", 204


@app.route("/archive", methods=["POST"])
def archive():
    shutil.move(os.path.join(ROOT, request.form["name"]), "/srv/archive")  # expect: FC604
    return "", 204
