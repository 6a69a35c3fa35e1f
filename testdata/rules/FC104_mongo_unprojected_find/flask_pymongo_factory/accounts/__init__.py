from flask import Flask

from .extensions import mongo


def create_app():
    app = Flask(__name__)
    app.config["MONGO_URI"] = "mongodb://localhost:27017/accounts"
    mongo.init_app(app)

    from .api import bp

    app.register_blueprint(bp, url_prefix="/api")
    return app
