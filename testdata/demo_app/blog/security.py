from flask_cors import CORS
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_security(app):
    csrf.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # expect: FC506
    app.config.update(SESSION_COOKIE_SAMESITE=None)  # expect: FC507
    CORS(app, supports_credentials=True)  # expect: FC508
