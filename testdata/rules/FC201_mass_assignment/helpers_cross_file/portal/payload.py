from flask import abort, request

ACCOUNT_FIELDS = ("name",)


def json_body():
    data = request.get_json(silent=True)
    if data is None:
        abort(400)
    return data


def only(data, fields):
    return {key: value for key, value in data.items() if key in fields}


def copy_of(data):
    return dict(data)
