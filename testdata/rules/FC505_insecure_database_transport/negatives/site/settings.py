import os

import redis
import requests

# ok: not database transport settings
MAIL_USE_SSL = False
MAIL_USE_TLS = False
SESSION_COOKIE_SECURE = True
cache = redis.Redis(host="cache.internal", ssl=False)

DATABASE_HELP = {
    "description": "PostgreSQL connection",
    "example": "postgresql://user@host/db?sslmode=disable",
}

SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql://site@pg.internal/site?sslmode=require")


def fetch_status():
    # ok: an HTTP client
    return requests.get("https://status.example.com/?ssl=false", timeout=5)


def describe():
    # ok: prose, not a connection string
    return "set sslmode=disable only for local development"
