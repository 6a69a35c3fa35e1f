import re

from bs4 import BeautifulSoup
from flask import Flask, jsonify, request

from .repository import NoteRepository

app = Flask(__name__)
notes = NoteRepository()


@app.route("/position")
def position():
    # ok: str.find
    return jsonify(position="abc".find("b"))


@app.route("/position/query")
def query_position():
    # ok: str.find on request text
    text = request.args.get("text", "")
    return jsonify(position=text.find(request.args.get("needle", "")))


@app.route("/title")
def title():
    # ok: BeautifulSoup.find
    soup = BeautifulSoup(request.get_data(as_text=True), "html.parser")
    return jsonify(title=soup.find("title"))


@app.route("/notes/<note_id>")
def note(note_id):
    # ok: a project class's own `find`
    return jsonify(notes.find(note_id))


@app.route("/notes/search")
def search_notes():
    # ok: a project class's own `find_one`
    return jsonify(notes.find_one(text=request.args["q"]))


@app.route("/match")
def match():
    # ok: regular expressions
    found = re.compile(r"\d+").findall(request.args.get("s", ""))
    return jsonify(found)
