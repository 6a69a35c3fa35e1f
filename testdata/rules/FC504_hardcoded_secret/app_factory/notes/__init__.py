import os

from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",  # expect: FC504
        DATABASE=os.path.join(app.instance_path, "notes.sqlite"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.update(test_config)
    return app


def create_api_app():
    api = Flask("notes_api")
    api.secret_key = b"_5#y2L\"F4Q8z\n\xec]/"  # expect: FC504
    api.config["JWT_SECRET_KEY"] = "super-secret"  # expect: FC504
    api.config.update({"GITHUB_CLIENT_SECRET": "3a1f6c0e9b7d24c58e1f"})  # expect: FC504
    return api


def create_worker_app():
    worker = Flask("notes_worker")
    # ok: random per process, or from the environment
    worker.config["SECRET_KEY"] = os.urandom(32)
    worker.secret_key = os.environ["SECRET_KEY"]
    worker.config.update(SECRET_KEY=os.environ.get("SECRET_KEY"))
    return worker
