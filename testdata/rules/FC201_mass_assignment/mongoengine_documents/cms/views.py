from flask import Flask, jsonify, request

from .models import Article, Tag

app = Flask(__name__)


@app.post("/articles")
def create_article():
    article = Article(**request.get_json()).save()  # expect: FC201
    return jsonify(id=str(article.id)), 201


@app.post("/tags")
def create_tag():
    tag = Tag(**request.form.to_dict())  # expect: FC201
    tag.save()
    return jsonify(id=str(tag.id)), 201


@app.post("/articles/draft")
def create_draft():
    data = request.get_json()
    # ok: fields taken one by one
    article = Article(title=data["title"], body=data["body"]).save()
    return jsonify(id=str(article.id)), 201
