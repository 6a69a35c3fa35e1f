import base64
import json
import marshal
import pickle

import jsonpickle
import yaml
from flask import jsonify, request

from . import app
from .cookies import saved_state


@app.route("/restore", methods=["POST"])
def restore():
    return jsonify(pickle.loads(request.data))  # expect: FC608


@app.route("/resume")
def resume():
    # The cookie is read by a helper in another module.
    state = pickle.loads(base64.b64decode(saved_state()))  # expect: FC608
    return jsonify(state)


@app.route("/resume/json")
def resume_json():
    # ok: JSON builds no objects
    return jsonify(json.loads(base64.b64decode(saved_state())))


@app.route("/import", methods=["POST"])
def import_config():
    return jsonify(yaml.load(request.get_data()))  # expect: FC608


@app.route("/import/loader", methods=["POST"])
def import_loader():
    return jsonify(yaml.load(request.files["config"], Loader=yaml.Loader))  # expect: FC608


@app.route("/import/safe", methods=["POST"])
def import_safe():
    # ok: the safe loader builds no objects
    return jsonify(yaml.load(request.get_data(), Loader=yaml.SafeLoader))


@app.route("/import/safe-load", methods=["POST"])
def import_safe_load():
    # ok
    return jsonify(yaml.safe_load(request.get_data()))


@app.route("/code", methods=["POST"])
def code():
    return str(marshal.loads(request.data))  # expect: FC608


@app.route("/object", methods=["POST"])
def object_():
    return str(jsonpickle.decode(request.form["object"]))  # expect: FC608


def load_defaults(path):
    with open(path) as handle:
        # Medium: not request data, but `yaml.load` without a safe loader builds any object.
        return yaml.load(handle)  # expect: FC608


def load_cache(blob):
    # ok: data the server wrote itself
    return pickle.loads(blob)
