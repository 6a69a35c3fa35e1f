import os
from pathlib import Path

from flask import request
from werkzeug.utils import secure_filename

ROOT = "/srv/files"
BASE = Path("/srv/files")


def path_for(name):
    # Builds a path from whatever the caller passes.
    return os.path.join(ROOT, name)


def requested_path():
    # Read from the request here, opened by a view in another module.
    return os.path.join(ROOT, request.args.get("file", "index.txt"))


def stored_path():
    return os.path.join(ROOT, secure_filename(request.args.get("file", "index.txt")))
