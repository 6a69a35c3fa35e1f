import pytest
from pymongo import MongoClient


@pytest.fixture
def mongo():
    # ok: the test database runs in a local container
    return MongoClient("mongodb://mongo:27017/test", tls=False)


TEST_DATABASE_URI = "postgresql://test@db/test?sslmode=disable"
