import jwt
import requests
from flask import redirect, render_template, render_template_string, request, url_for
from markupsafe import escape

from . import bp
from .links import next_page


@bp.route("/search")
def search():
    term = request.args.get("q", "")
    return f"<h1>Results for {term}</h1>"  # expect: FC602


@bp.route("/search/safe")
def search_safe():
    return f"<h1>Results for {escape(request.args.get('q', ''))}</h1>"


@bp.route("/login/done")
def login_done():
    return redirect(next_page())  # expect: FC603


@bp.route("/logout")
def logout():
    return redirect(url_for("web.search"))


@bp.route("/preview", methods=["POST"])
def preview():
    return render_template_string(request.form["body"])  # expect: FC601


@bp.route("/post/preview", methods=["POST"])
def post_preview():
    return render_template("preview.html", body=request.form["body"])


@bp.route("/link-card")
def link_card():
    page = requests.get(request.args["url"], timeout=5)  # expect: FC605
    return {"status": page.status_code}


@bp.route("/me")
def me():
    token = request.cookies.get("token", "")
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: FC509
    return {"user": claims.get("sub")}
