import json

from flask import Response, jsonify


def error_response(message, status=400):
    return jsonify({"error": message, "status": status}), status


def json_error(details, status=500):
    payload = {"ok": False}
    payload["details"] = details
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def problem(title, detail):
    return json_error({"title": title, "detail": detail})


def success(data):
    return jsonify(data=data)
