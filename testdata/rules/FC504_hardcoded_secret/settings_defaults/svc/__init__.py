from flask import Flask

from .settings import Settings


def create_app():
    settings = Settings()
    app = Flask(__name__)
    app.config.from_mapping(SECRET_KEY=settings.secret_key, SQLALCHEMY_DATABASE_URI=settings.database_url)
    return app
