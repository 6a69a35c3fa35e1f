import pytest
from flask import Flask


@pytest.fixture
def app():
    # ok: test keys are never deployed
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret-key"
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://test:test@db.ci/test"
    return app
