from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .admin import admin_bp
from .api import api_bp
from .config import CONFIGS

csrf = CSRFProtect()
login_manager = LoginManager()


def create_app(config_name="production"):
    app = Flask(__name__)
    app.config.from_object(CONFIGS[config_name])
    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    # ok: the API authenticates each request with a token header
    csrf.exempt(api_bp)
    csrf.exempt(admin_bp)  # expect: FC506
    return app


def create_debug_app():
    app = create_app("development")
    app.config["WTF_CSRF_ENABLED"] = False  # expect: FC506
    return app
