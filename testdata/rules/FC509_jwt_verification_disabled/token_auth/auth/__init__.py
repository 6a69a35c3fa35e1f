from flask import Flask
from flask_jwt_extended import JWTManager

app = Flask(__name__)
app.config.from_object("auth.config.Config")
app.config["JWT_COOKIE_CSRF_PROTECT"] = False  # expect: FC509
jwt_manager = JWTManager(app)

from . import tokens  # noqa: E402,F401
