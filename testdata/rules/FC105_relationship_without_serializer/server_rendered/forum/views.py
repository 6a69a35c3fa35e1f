from flask import Flask, render_template

from .models import Forum

app = Flask(__name__)


@app.route("/forums/<int:forum_id>")
def forum(forum_id):
    forum = Forum.query.get_or_404(forum_id)
    nav = {"key": forum.id, "title": forum.title}
    return render_template("forum.html", forum=forum, nav=nav)
