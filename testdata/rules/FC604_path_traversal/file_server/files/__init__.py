from flask import Flask

app = Flask(__name__)

from . import uploads, views  # noqa: E402,F401
