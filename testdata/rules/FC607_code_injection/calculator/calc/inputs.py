from flask import request


def expression():
    return request.args.get("expr", "0").strip()


def numbers():
    return [int(part) for part in request.args.get("numbers", "").split(",") if part]
