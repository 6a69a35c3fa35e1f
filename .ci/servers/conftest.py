"""What the end-to-end tests of `flaskcheck server` and `flaskcheck mcp` share: the binary under
test (FLASKCHECK, default: the release build) and a small Flask project written for each test."""

import os
import pathlib
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLASKCHECK = os.environ.get("FLASKCHECK", str(ROOT / "target" / "release" / "flaskcheck"))

MODELS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))
    password_hash = db.Column(db.String(128))
"""

REPOSITORY = """\
from app.models import User


def find_user(user_id):
    return User.query.get_or_404(user_id)
"""

USERS = """\
from flask import Blueprint, jsonify

from app.repository import find_user

bp = Blueprint("users", __name__)


@bp.route("/users/<int:user_id>")
def get_user(user_id):
    user = find_user(user_id)
    return jsonify(user)
"""

# (line, column) of `jsonify(user)` in USERS, 0-based as the protocol counts.
LEAK = (10, 11)


def write_project(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


@pytest.fixture
def project(tmp_path: pathlib.Path) -> pathlib.Path:
    """`app/models.py` (the `User` model), `app/repository.py` (a helper that loads one) and
    `app/api/users.py` (a view that returns it whole: FC101, with the helper's query as its
    related location)."""
    return write_project(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nname = "proj"\n',
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/models.py": MODELS,
            "app/repository.py": REPOSITORY,
            "app/api/users.py": USERS,
        },
    )
