"""Comments that are not flaskcheck's suppressions, may be another tool's, or ask to be left
alone: no FC001."""
import os  # noqa: E402, F401

from flask import Flask, jsonify  # noqa: F401

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # type: ignore[index]

# Text that looks like a suppression inside strings is not a comment.
HELP = "Silence a finding with '# noqa: FC002' on its line."
TEMPLATE = """
    value = compute()  # noqa: FC002
    other = compute()  # flaskcheck: ignore[FC002]
"""


@app.get("/help")
def help_page():
    return jsonify(help=HELP)  # noqa: FC001, FC002  (kept on purpose: it names FC001)


@app.get("/about")
def about():
    return "about"  # noqa: E501 this line is long in the real app


@app.get("/version")
def version():
    # A bare noqa may be for flake8 or Ruff: flaskcheck cannot call it unused.
    return jsonify(version="1.0")  # noqa
