from flask import Flask

from .extensions import mongo


def create_app():
    app = Flask(__name__)
    app.config["MONGO_URI"] = "mongodb://localhost:27017/helpdesk"
    mongo.init_app(app)
    from .views import bp

    app.register_blueprint(bp, url_prefix="/api")
    return app
