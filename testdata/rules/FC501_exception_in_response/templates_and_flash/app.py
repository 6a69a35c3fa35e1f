from flask import Flask, flash, redirect, render_template, render_template_string

app = Flask(__name__)


def charge(order_id):
    raise RuntimeError(order_id)


@app.route("/orders/<int:order_id>/pay", methods=["POST"])
def pay(order_id):
    try:
        charge(order_id)
    except Exception as e:
        return render_template("error.html", error=str(e))  # expect: FC501
    return redirect("/")


@app.route("/orders/<int:order_id>/retry", methods=["POST"])
def retry(order_id):
    try:
        charge(order_id)
    except Exception as e:
        flash(str(e))  # expect: FC501
        return redirect("/")
    return redirect("/")


@app.route("/orders/<int:order_id>/inline")
def inline(order_id):
    try:
        charge(order_id)
    except Exception as e:
        return render_template_string("<p>{{ error }}</p>", error=f"failed: {e}")  # expect: FC501
    return "ok"


@app.route("/orders/<int:order_id>/quiet")
def quiet(order_id):
    try:
        charge(order_id)
    except Exception:
        # ok: a message written for the client
        flash("The payment failed, please try again.")
        return render_template("error.html", error="payment failed")
    return "ok"
