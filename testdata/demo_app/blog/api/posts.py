from flask import jsonify, request
from flask_login import current_user, login_required

from ..extensions import db, mongo
from ..models import Post
from . import bp


@bp.route("/posts")
def list_posts():
    page = request.args.get("page", 1, type=int)
    posts = Post.query.filter_by(published=True).paginate(page=page, per_page=20)
    return jsonify(posts=posts.items, total=posts.total)  # expect: FC102


@bp.route("/posts/<int:post_id>")
def get_post(post_id):
    post = Post.query.get_or_404(post_id)  # expect: FC301
    return jsonify(post.to_dict())


@bp.route("/posts/search")
def search_posts():
    term = request.args.get("q", "")
    rows = db.session.execute(
        db.text("SELECT * FROM posts WHERE title LIKE :term"), {"term": f"%{term}%"}  # expect: FC103
    )
    return jsonify([dict(id=row.id, title=row.title) for row in rows])


@bp.route("/posts/<int:post_id>/audit")
@login_required
def post_audit(post_id):
    events = mongo.db.audit.find({"post_id": post_id})  # expect: FC104
    return jsonify(list(events))


@bp.route("/posts/<int:post_id>/audit/latest")
@login_required
def post_audit_latest(post_id):
    event = mongo.db.audit.find_one({"post_id": post_id}, {"_id": 0, "action": 1, "at": 1})
    return jsonify(event)


@bp.route("/posts", methods=["POST"])
@login_required
def create_post():
    data = request.get_json()
    post = Post(title=data["title"], body=data["body"], author_id=current_user.id)
    db.session.add(post)
    db.session.commit()
    return jsonify(post.to_dict()), 201
