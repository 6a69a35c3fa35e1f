from flask import Flask

from .extensions import mongo


def create_app():
    app = Flask(__name__)
    app.config["MONGO_URI"] = "mongodb://localhost:27017/shop"
    mongo.init_app(app)
    from .auth import auth
    from .items import items

    app.register_blueprint(auth, url_prefix="/auth")
    app.register_blueprint(items, url_prefix="/items")
    return app
