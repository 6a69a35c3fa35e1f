import pytest
from flask import Flask


@pytest.fixture
def app():
    # ok: a test app is never deployed
    app = Flask(__name__)
    app.config["DEBUG"] = True
    app.debug = True
    return app
