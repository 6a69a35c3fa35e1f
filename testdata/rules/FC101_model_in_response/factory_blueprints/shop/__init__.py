from flask import Flask

from .extensions import database, login


def create_app():
    app = Flask(__name__)
    database.init_app(app)
    login.init_app(app)
    from .accounts.views import accounts
    from .catalog.views import catalog

    app.register_blueprint(accounts, url_prefix="/accounts")
    app.register_blueprint(catalog, url_prefix="/catalog")
    return app
