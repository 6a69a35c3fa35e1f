from forum import create_app


def make_app():
    app = create_app()
    # ok: a test
    app.config["WTF_CSRF_ENABLED"] = False
    return app
