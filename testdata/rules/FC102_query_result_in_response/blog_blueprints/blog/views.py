from flask import Blueprint, jsonify, request
from sqlalchemy import select

from .extensions import db
from .models import Author, Post
from .queries import post_cards, posts_by, recent_posts, titles
from .schemas import posts_schema

bp = Blueprint("blog", __name__)


@bp.route("/posts")
def list_posts():
    posts = Post.query.all()
    return jsonify(posts)  # expect: FC102


@bp.route("/posts/recent")
def list_recent():
    return jsonify(posts=recent_posts())  # expect: FC102


@bp.route("/posts/recent/schema")
def list_recent_schema():
    # ok: each row goes through the schema
    return jsonify(posts_schema.dump(recent_posts()))


@bp.route("/posts/page")
def page():
    pagination = Post.query.paginate(page=request.args.get("page", 1, type=int))
    return jsonify(items=pagination.items, pages=pagination.pages)  # expect: FC102


@bp.route("/posts/page/ids")
def page_ids():
    pagination = Post.query.paginate(page=1)
    # ok: ids only
    return jsonify(items=[p.id for p in pagination.items])


@bp.route("/posts/select")
def posts_select():
    rows = db.session.scalars(select(Post).where(Post.title.like("%a%"))).all()
    return {"posts": rows}  # expect: FC102


@bp.route("/posts/session-query")
def posts_session_query():
    rows = db.session.query(Post).filter(Post.id > 10).order_by(Post.id).all()
    return jsonify(rows)  # expect: FC102


@bp.route("/posts/projected")
def posts_projected():
    # ok: a projection of two columns
    rows = db.session.query(Post.id, Post.title).all()
    return jsonify([{"id": r.id, "title": r.title} for r in rows])


@bp.route("/posts/with-entities")
def posts_with_entities():
    rows = Post.query.with_entities(Post.id, Post.title).all()
    # ok: with_entities projects chosen columns
    return jsonify([list(r) for r in rows])


@bp.route("/posts/load-only")
def posts_load_only():
    from sqlalchemy.orm import load_only

    rows = Post.query.options(load_only(Post.id, Post.title)).all()
    # ok: load_only loads the chosen columns
    return jsonify(rows)


@bp.route("/authors/<int:author_id>/posts")
def author_posts(author_id):
    return jsonify(posts_by(author_id))  # expect: FC102


@bp.route("/authors/<int:author_id>/drafts")
def author_drafts(author_id):
    author = Author.query.get_or_404(author_id)
    return jsonify(drafts=author.drafts.all())  # expect: FC102


@bp.route("/authors/<int:author_id>/drafts/count")
def author_drafts_count(author_id):
    author = Author.query.get_or_404(author_id)
    # ok: a count
    return jsonify(count=author.drafts.count())


@bp.route("/authors")
def authors():
    result = []
    for author in Author.query.all():
        result.append(author)
    return jsonify(result)  # expect: FC102


@bp.route("/authors/names")
def author_names():
    result = []
    for author in Author.query.all():
        result.append({"id": author.id, "name": author.name})
    # ok: a list of explicit dicts
    return jsonify(result)


@bp.route("/authors/active")
def active_authors():
    authors = Author.query.all()
    active = [a for a in authors if a.posts]
    return jsonify(active)  # expect: FC102


@bp.route("/authors/vars")
def authors_vars():
    return jsonify([vars(a) for a in Author.query.all()])  # expect: FC102


@bp.route("/authors/total")
def authors_total():
    # ok: only the length
    return jsonify(total=len(Author.query.all()))


@bp.route("/titles")
def all_titles():
    # ok: the helper builds explicit dicts
    return jsonify(titles())


@bp.route("/posts/sorted")
def sorted_posts():
    posts = sorted(Post.query.all(), key=lambda p: p.title)
    return jsonify(posts[:10])  # expect: FC102


@bp.route("/posts/first")
def first_post_title():
    posts = Post.query.all()
    # ok: one attribute of one row
    return jsonify(title=posts[0].title)


def export_posts():
    # ok: not a view
    return Post.query.all()


@bp.route("/posts/cards")
def cards():
    cards = post_cards()
    for card in cards:
        card["id"] = card.pop("post").id
    # ok: every card's post was replaced by its id
    return jsonify(cards)


@bp.route("/posts/cards/raw")
def cards_raw():
    cards = post_cards()
    for card in cards:
        card.pop("title")
    return jsonify(cards)  # expect: FC102


@bp.route("/posts/cards/deleted")
def cards_deleted():
    cards = post_cards()
    for card in cards:
        del card["post"]
    # ok: del removes the post from each card
    return jsonify(cards)


@bp.route("/posts/summary")
def summary():
    result = {"posts": Post.query.all()}
    result["posts"] = [p.id for p in result["posts"]]
    # ok: the key now holds ids, the rows it held before were replaced
    return jsonify(result)


@bp.route("/posts/summary/extra")
def summary_extra():
    result = {"posts": Post.query.all()}
    result["count"] = 3
    return jsonify(result)  # expect: FC102
