import argparse
import os

# ok: these name fields, headers and environment variables; they are not secrets
ACCESS_TOKEN = "access_token"
REFRESH_TOKEN = "refresh_token"
CSRF_TOKEN = "X-CSRF-Token"
API_KEY_HEADER = "X-API-Key"
DB_PASSWORD = "ACCOUNTS_DB_PASSWORD"
RESET_PASSWORD_SALT = "reset-password"

# ok: empty, unset, or a template to fill in
MAIL_PASSWORD = ""
SECRET_KEY = None
SLACK_TOKEN = "<your-slack-token>"
SENTRY_API_KEY = "${SENTRY_API_KEY}"
EXAMPLE_DATABASE_URI = "postgresql://user:password@db.example.com/app"
SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///accounts.db")

PROVIDERS = {
    "github": {
        "description": "GitHub OAuth application",
        "client_secret": "from the GitHub developer settings",
        "connection_string": "postgresql://admin:s3cret@host/db",
    },
}


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="e.g. postgresql://app:secret@localhost/accounts")
    parser.add_argument("--token", default=os.environ.get("ACCOUNTS_TOKEN"))
    return parser.parse_args()
