import asyncio
import os

from flask import Flask

from .config import ProductionConfig
from .jobs import main as run_jobs


def create_app():
    app = Flask(__name__)
    app.config.from_object(ProductionConfig)
    # ok: not a literal True
    app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"
    app.config["TESTING"] = True
    app.config.update(DEBUG=False, PROPAGATE_EXCEPTIONS=True)
    return app


def run_background_jobs():
    # ok: asyncio's debug mode, not Flask's
    asyncio.run(run_jobs(), debug=True)


if __name__ == "__main__":
    application = create_app()
    # ok: decided by the environment
    application.run(debug=bool(os.environ.get("STORE_DEBUG")))
