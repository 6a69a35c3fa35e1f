import os

from flask import Flask

from .views import bp

os.environ["FLASK_DEBUG"] = "1"  # expect: FC503


def create_app():
    app = Flask(__name__)
    app.config["DEBUG"] = True  # expect: FC503
    app.register_blueprint(bp)
    return app


def create_admin_app():
    admin = Flask("admin")
    admin.debug = True  # expect: FC503
    admin.config.update(
        SESSION_COOKIE_SECURE=True,
        DEBUG=True,  # expect: FC503
    )
    return admin


def create_worker_app():
    worker = Flask("worker")
    worker.config.from_mapping({"DEBUG": True, "TESTING": False})  # expect: FC503
    os.environ.setdefault("FLASK_ENV", "development")  # expect: FC503
    return worker
