import os

from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config.from_object("blog.settings.base.Settings")
    app.config.from_object("blog.settings.flags")
    if os.environ.get("BLOG_STAGING"):
        app.config.from_object("settings.staging.StagingSettings")
    return app
