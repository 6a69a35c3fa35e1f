from flask import Flask

from .db import db


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    from .views import bp

    app.register_blueprint(bp)
    return app
