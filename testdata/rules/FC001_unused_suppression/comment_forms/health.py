"""Suppressions left behind on lines that no longer have a finding, in each form flaskcheck reads."""
from flask import Blueprint, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    return jsonify(status="ok")  # noqa: FC002  # expect: FC001


@bp.get("/ping")
def ping():
    return "pong"  # flaskcheck: ignore[FC002]  # expect: FC001


@bp.get("/ready")
def ready():
    return "ready"  # noqa:FC002,FC000  # expect: FC001


@bp.get("/live")
def live():
    return "live"  # flaskcheck: ignore  # expect: FC001


@bp.get("/stale")
def stale():
    # A code that no flaskcheck version has: a typo, or a rule that was renumbered.
    return "stale"  # noqa: FC999  # expect: FC001
