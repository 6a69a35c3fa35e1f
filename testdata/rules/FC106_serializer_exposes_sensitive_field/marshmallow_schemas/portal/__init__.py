from flask import Flask

from .extensions import db, ma


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    ma.init_app(app)
    return app
