from flask import Flask

from .extensions import db


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    from .api import api

    app.register_blueprint(api)
    return app
