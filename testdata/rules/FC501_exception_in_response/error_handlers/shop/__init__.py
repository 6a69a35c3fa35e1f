from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .errors import ApiError, handle_api_error, handle_database_error


def create_app():
    app = Flask(__name__)
    from .views import bp

    app.register_blueprint(bp)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(SQLAlchemyError, handle_database_error)
    return app
