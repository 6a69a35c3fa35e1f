from urllib.parse import urljoin, urlparse

from flask import request, url_for

ALLOWED_HOSTS = {"shop.example.com", "accounts.example.com"}


def is_safe_url(target):
    """The project's check: the target stays on this site."""
    host_url = urlparse(request.host_url)
    test_url = urlparse(urljoin(request.host_url, target))
    return test_url.scheme in ("http", "https") and host_url.netloc == test_url.netloc


def next_url():
    # Returned only after the check: callers get a safe target.
    target = request.args.get("next")
    if target and is_safe_url(target):
        return target
    return url_for("index")


def unchecked_next():
    # Read here, redirected to by a view in another module.
    return request.values.get("next", "/")
