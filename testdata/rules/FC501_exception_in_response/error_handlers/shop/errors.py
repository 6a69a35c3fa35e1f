import traceback

from flask import jsonify, make_response
from werkzeug.exceptions import HTTPException

from .views import bp


class ApiError(Exception):
    status_code = 400

    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


def handle_api_error(error):
    # ok: ApiError is raised with messages written for clients
    return jsonify(error=str(error)), error.status_code


def handle_database_error(error):
    return jsonify(error="database error", detail=str(error)), 500  # expect: FC501


@bp.app_errorhandler(HTTPException)
def handle_http_exception(e):
    # ok: an HTTP exception's name and description are for clients
    return jsonify(code=e.code, name=e.name, description=e.description), e.code


@bp.app_errorhandler(404)
def not_found(e):
    # ok: the NotFound exception's text
    return make_response(jsonify(error=str(e)), 404)


@bp.app_errorhandler(500)
def server_error(e):
    original = e.original_exception
    return jsonify(error="internal error", cause=repr(original)), 500  # expect: FC501


@bp.app_errorhandler(Exception)
def unhandled(e):
    body = {"error": "unexpected", "trace": traceback.format_exception(e)}
    return jsonify(body), 500  # expect: FC501


@bp.app_errorhandler(OSError)
def storage_error(e):
    response = make_response(f"storage error: {e}", 500)  # expect: FC501
    return response


@bp.app_errorhandler(KeyError)
def missing_key(e):
    # ok: a KeyError's text is the missing key
    return make_response(f"missing {e}", 400)
