from flask import Flask
from flask_jwt_extended import JWTManager


def create_app():
    app = Flask(__name__)
    JWTManager(app)
    from .views import bp

    app.register_blueprint(bp, url_prefix="/api")
    return app
