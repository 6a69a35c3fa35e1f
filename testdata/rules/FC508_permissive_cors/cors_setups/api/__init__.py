from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, supports_credentials=True)  # expect: FC508

public = Flask("public")
# ok: no credentials
CORS(public)

partner = Flask("partner")
# ok: named origins
CORS(partner, origins=["https://app.example.com"], supports_credentials=True)

internal = Flask("internal")
CORS(internal, resources={r"/api/*": {"origins": "*", "supports_credentials": True}})  # expect: FC508

regex = Flask("regex")
CORS(regex, origins=r".*", supports_credentials=True)  # expect: FC508

from . import views  # noqa: E402,F401
