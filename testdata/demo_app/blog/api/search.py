from flask import jsonify, request

from ..analytics import top_posts
from ..extensions import db
from . import bp


@bp.route("/search/titles")
def search_titles():
    term = request.args.get("q", "")
    rows = db.session.execute(
        db.text(f"SELECT id, title FROM posts WHERE published AND title ILIKE '%{term}%'")  # expect: FC402
    )
    return jsonify([{"id": row.id, "title": row.title} for row in rows])


@bp.route("/search/popular")
def popular():
    return jsonify(top_posts(request.args.get("order", "views")))
