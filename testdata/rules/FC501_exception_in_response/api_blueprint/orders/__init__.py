from flask import Flask

from .extensions import db


def create_app():
    app = Flask(__name__)
    db.init_app(app)
    from .views import orders

    app.register_blueprint(orders, url_prefix="/orders")
    return app
