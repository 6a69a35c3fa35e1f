from flask import Flask

app = Flask(__name__)

from . import views  # noqa: E402,F401
