from flask import Flask

from .config import config_by_name


def create_app(name="production"):
    app = Flask(__name__)
    app.config.from_object(config_by_name[name])
    return app
