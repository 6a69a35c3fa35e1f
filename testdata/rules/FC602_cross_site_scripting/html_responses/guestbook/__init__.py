from flask import Flask

app = Flask(__name__)

from . import views, widgets  # noqa: E402,F401
