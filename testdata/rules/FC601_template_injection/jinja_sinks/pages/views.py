import jinja2
from flask import abort, render_template_string, request
from jinja2.sandbox import SandboxedEnvironment
from mako.template import Template as MakoTemplate
from markupsafe import escape

from . import app
from .templates import GREETING, LAYOUTS, chosen_layout, custom_layout

env = jinja2.Environment()
sandbox = SandboxedEnvironment()


@app.route("/hello")
def hello():
    # ok: a constant template; the client's data is a value, escaped by Jinja
    return render_template_string(GREETING, name=request.args.get("name", ""))


@app.route("/preview", methods=["POST"])
def preview():
    return render_template_string(request.form["template"])  # expect: FC601


@app.route("/banner")
def banner():
    name = request.args.get("name", "")
    page = f"<h1>Welcome {name}</h1>{{{{ footer }}}}"
    return render_template_string(page, footer="(c) shop")  # expect: FC601


@app.route("/layout")
def layout():
    # The template comes from a helper in another module that reads it from the request.
    return render_template_string(custom_layout(), body="hi")  # expect: FC601


@app.route("/layout/named")
def named_layout():
    # ok: the helper picks one of its own templates
    return render_template_string(chosen_layout(), body="hi")


@app.route("/layout/<kind>")
def layout_by_name(kind):
    if kind not in LAYOUTS:
        abort(404)
    # ok: checked against a constant allow-list
    return render_template_string(kind, body="hi")


@app.route("/raw/<body>")
def raw(body):
    return render_template_string(body)  # expect: FC601


@app.route("/count/<int:count>")
def count(count):
    # ok: the converter lets only numbers through
    return render_template_string(f"<p>{count} items</p>")


@app.route("/escaped")
def escaped():
    # HTML escaping does not stop template syntax: `{{ config }}` has no character it escapes
    return render_template_string(escape(request.args["t"]))  # expect: FC601


@app.route("/email", methods=["POST"])
def email_body():
    template = jinja2.Template(request.json["body"])  # expect: FC601
    return template.render(user="x")


@app.route("/env", methods=["POST"])
def env_render():
    return env.from_string(request.get_json()["tpl"]).render()  # expect: FC601


@app.route("/sandboxed", methods=["POST"])
def sandboxed():
    # ok: a sandboxed environment does not expose Python's internals
    return sandbox.from_string(request.get_json()["tpl"]).render()


@app.route("/mako", methods=["POST"])
def mako():
    return MakoTemplate(text=request.form["tpl"]).render()  # expect: FC601


def render_note(text):
    # ok: not a view, and no caller here passes request data
    return render_template_string(text)
