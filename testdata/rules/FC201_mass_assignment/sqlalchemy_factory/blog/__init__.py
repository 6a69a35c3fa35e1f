from flask import Flask

from .extensions import db, login_manager


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    login_manager.init_app(app)
    from .api import api

    app.register_blueprint(api, url_prefix="/api")
    return app
