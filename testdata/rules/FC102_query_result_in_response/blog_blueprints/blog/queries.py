from .models import Author, Post


def recent_posts(limit=10):
    return Post.query.order_by(Post.id.desc()).limit(limit).all()


def posts_by(author_id):
    author = Author.query.get_or_404(author_id)
    return author.posts


def titles():
    return [{"id": p.id, "title": p.title} for p in Post.query.all()]


def post_cards():
    cards = []
    for post in Post.query.all():
        cards.append({"post": post, "title": post.title})
    return cards
