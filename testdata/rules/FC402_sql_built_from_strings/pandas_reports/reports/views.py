import pandas as pd
from flask import Blueprint, jsonify, request
from sqlalchemy import create_engine

from .queries import Queries

bp = Blueprint("reports", __name__)
engine = create_engine("postgresql://reports@warehouse/reports")


@bp.route("/reports/sales")
def sales():
    year = request.args.get("year", "2024")
    frame = pd.read_sql(Queries.BY_REGION.format(year=year), engine)  # expect: FC402
    return jsonify(frame.to_dict(orient="records"))


@bp.route("/reports/top")
def top():
    column = request.args.get("by", "revenue")
    frame = pd.read_sql_query(
        "SELECT region, revenue FROM region_totals ORDER BY " + column, engine  # expect: FC402
    )
    return jsonify(frame.to_dict(orient="records"))


@bp.route("/reports/monthly")
def monthly():
    # ok: a class constant
    frame = pd.read_sql(Queries.MONTHLY, engine)
    return jsonify(frame.to_dict(orient="records"))


@bp.route("/reports/since")
def since():
    # ok: the value is bound through `params`
    start = request.args["start"]
    frame = pd.read_sql(
        f"SELECT day, total FROM {Queries.TABLE} WHERE day >= %(start)s", engine, params={"start": start}
    )
    return jsonify(frame.to_dict(orient="records"))
