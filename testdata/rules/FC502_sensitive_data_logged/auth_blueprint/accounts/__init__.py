import logging

from flask import Flask

from .extensions import db, login_manager


def create_app():
    app = Flask(__name__)
    app.config.from_prefixed_env()
    logging.basicConfig(level=logging.INFO)
    db.init_app(app)
    login_manager.init_app(app)

    from .auth.views import auth

    app.register_blueprint(auth, url_prefix="/auth")
    app.logger.info("app created with config %s", app.config.get("ENV"))
    return app
