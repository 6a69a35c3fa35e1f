import bleach
from flask import request
from markupsafe import escape


def search_term():
    # Read from the request here, shown by a view in another module.
    return request.args.get("q", "").strip()


def safe_search_term():
    return escape(request.args.get("q", ""))


def cleaned_bio():
    return bleach.clean(request.form.get("bio", ""))
