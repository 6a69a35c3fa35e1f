import ast
import importlib

from flask import abort, jsonify, request

from . import app
from .inputs import expression, numbers

PLUGINS = ("csv", "json", "xml")


@app.route("/calc")
def calc():
    # The expression is read by a helper in another module.
    return jsonify(result=eval(expression()))  # expect: FC607


@app.route("/calc/safe")
def calc_safe():
    # ok: literals only
    return jsonify(result=sum(ast.literal_eval(request.args.get("numbers", "[]"))))


@app.route("/calc/sum")
def calc_sum():
    # ok: the helper returns numbers
    return jsonify(result=eval("+".join(str(n) for n in numbers()) or "0"))


@app.route("/run", methods=["POST"])
def run():
    code = request.form["code"]
    exec(compile(code, "<form>", "exec"))  # expect: FC607
    return "ok"


@app.route("/compile", methods=["POST"])
def compile_only():
    compiled = compile(request.get_data(as_text=True), "<body>", "eval")  # expect: FC607
    return str(compiled)


@app.route("/step/<int:n>")
def step(n):
    # ok: a number
    return jsonify(result=eval(f"{n} + 1"))


@app.route("/formula/<formula>")
def formula(formula):
    return jsonify(result=eval(f"({formula}) * 2"))  # expect: FC607


@app.route("/export/<fmt>")
def export(fmt):
    if fmt not in PLUGINS:
        abort(404)
    # ok: checked against a constant allow-list
    module = importlib.import_module(f"calc.exporters.{fmt}")
    return module.export()


@app.route("/plugin")
def plugin():
    name = request.args["name"]
    module = importlib.import_module("calc.plugins." + name)  # expect: FC607
    return module.run()


@app.route("/legacy")
def legacy():
    return str(__import__(request.args["module"]))  # expect: FC607


def evaluate(text):
    # ok: not a view; its callers decide
    return eval(text)
