from flask import Flask

from .extensions import db, login_manager, mongo


def create_app(config_object="blog.config.ProductionConfig"):
    app = Flask(__name__)
    app.config.from_object(config_object)

    db.init_app(app)
    login_manager.init_app(app)
    mongo.init_app(app)

    from .api import bp as api_bp

    app.register_blueprint(api_bp, url_prefix="/api")

    from .security import init_security
    from .web import bp as web_bp

    init_security(app)
    app.register_blueprint(web_bp)
    return app
