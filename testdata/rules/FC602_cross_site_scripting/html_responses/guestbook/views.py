import html

from flask import Response, jsonify, make_response, render_template, render_template_string, request
from markupsafe import Markup, escape

from . import app
from .search import cleaned_bio, safe_search_term, search_term


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    return f"<h1>Hello {name}</h1>"  # expect: FC602


@app.route("/echo")
def echo():
    return request.args.get("message", "")  # expect: FC602


@app.route("/results")
def results():
    # The term is read by a helper in another module.
    return "<p>Results for " + search_term() + "</p>"  # expect: FC602


@app.route("/results/escaped")
def results_escaped():
    # ok: the helper escapes it
    return f"<p>Results for {safe_search_term()}</p>"


@app.route("/hello/escaped")
def hello_escaped():
    # ok: escaped for HTML
    return f"<h1>Hello {escape(request.args.get('name', ''))}</h1>"


@app.route("/hello/html-escape")
def hello_html_escape():
    name = html.escape(request.args.get("name", ""))
    # ok: escaped with the standard library
    return "<h1>Hello %s</h1>" % name


@app.route("/bio", methods=["POST"])
def bio():
    # ok: bleach keeps only harmless markup
    return f"<div class='bio'>{cleaned_bio()}</div>"


@app.route("/api/hello")
def api_hello():
    # ok: JSON
    return jsonify(greeting=f"Hello {request.args.get('name')}")


@app.route("/api/echo", methods=["POST"])
def api_echo():
    # ok: a dict is sent as JSON
    return request.get_json()


@app.route("/page")
def page():
    # ok: templates escape what they render
    return render_template("page.html", name=request.args.get("name"))


@app.route("/card")
def card():
    title = request.args.get("title", "")
    return make_response(f"<div class='card'>{title}</div>")  # expect: FC602


@app.route("/card/text")
def card_text():
    title = request.args.get("title", "")
    # ok: sent as plain text
    return Response(f"card: {title}", mimetype="text/plain")


@app.route("/card/tuple")
def card_tuple():
    title = request.args.get("title", "")
    # ok: the headers say plain text
    return f"card: {title}", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/card/typed")
def card_typed():
    response = make_response(f"card: {request.args.get('title', '')}")
    # ok: the response is made plain text before it is sent
    response.mimetype = "text/plain"
    return response


@app.route("/welcome/<name>")
def welcome(name):
    return f"<h1>Welcome, {name}!</h1>", 200  # expect: FC602


@app.route("/order/<int:order_id>")
def order(order_id):
    # ok: a number
    return f"<h1>Order {order_id}</h1>"


@app.route("/badge")
def badge():
    label = Markup(f"<span class='badge'>{request.args['label']}</span>")  # expect: FC602
    return render_template("badge.html", label=label)


@app.route("/badge/escaped")
def badge_escaped():
    # ok: the value is escaped before it is marked safe
    label = Markup("<span class='badge'>%s</span>") % escape(request.args["label"])
    return render_template("badge.html", label=label)


@app.route("/motd")
def motd():
    return render_template_string(
        "<p>{{ motd|safe }}</p>",
        motd=request.args.get("motd", ""),  # expect[-2]: FC602
    )


@app.route("/motd/escaped")
def motd_escaped():
    # ok: escaped by the template
    return render_template_string("<p>{{ motd }}</p>", motd=request.args.get("motd", ""))


def describe(text):
    # ok: not a view
    return f"<p>{request.args.get('x')}{text}</p>"
