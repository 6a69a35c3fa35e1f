import os

os.environ.setdefault("FLASK_APP", "svc")
os.environ.setdefault("SECRET_KEY", "fallback-secret")  # expect: FC504

from svc import create_app  # noqa: E402

app = create_app()
