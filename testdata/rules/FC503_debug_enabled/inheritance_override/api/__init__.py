from flask import Flask

from .config import ProductionConfig, StagingConfig


def create_app(staging=False):
    app = Flask(__name__)
    if staging:
        app.config.from_object(StagingConfig)
    else:
        app.config.from_object(ProductionConfig)
    return app
