from flask import request
from jinja2 import Environment, Template, select_autoescape

from . import app

plain = Environment()
escaping = Environment(autoescape=select_autoescape())


@app.route("/widget")
def widget():
    template = Template("<div>{{ body }}</div>")
    return template.render(body=request.args.get("body", ""))  # expect: FC602


@app.route("/widget/plain")
def widget_plain():
    return plain.from_string("<div>{{ body }}</div>").render(body=request.args["body"])  # expect: FC602


@app.route("/widget/escaped")
def widget_escaped():
    # ok: this environment escapes HTML
    return escaping.from_string("<div>{{ body }}</div>").render(body=request.args["body"])


@app.route("/widget/escaped-template")
def widget_escaped_template():
    # ok: autoescaping on
    return Template("<div>{{ body }}</div>", autoescape=True).render(body=request.args["body"])
