from flask import jsonify


def prepare_result(obj, status=True):
    return {"result": {"status": status, "value": obj}}


def send_result(obj, rid=1):
    return jsonify(prepare_result(obj))


def send_ok(data):
    # A wrapper of a wrapper.
    return send_result(data)


def send_error(message):
    return jsonify({"error": message}), 400
