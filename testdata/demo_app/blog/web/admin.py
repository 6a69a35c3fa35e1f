import subprocess

from flask import request

from . import bp


@bp.route("/admin/backup", methods=["POST"])
def backup():
    target = request.form.get("target", "daily")
    subprocess.run(f"pg_dump blog > /backups/{target}.sql", shell=True)  # expect: FC606
    return "", 202


@bp.route("/admin/stats")
def stats():
    formula = request.args.get("formula", "views / 1")
    return {"value": eval(formula, {"views": 10})}  # expect: FC607
