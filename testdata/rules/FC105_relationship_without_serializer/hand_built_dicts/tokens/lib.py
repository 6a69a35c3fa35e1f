from flask import Flask, jsonify

from .models import Policy, Realm
from .models.policy import PolicySchedule

app = Flask(__name__)


def policy_to_dict(policy: Policy) -> dict:
    return {
        "id": policy.id,
        "stages": [
            {"threshold": stage.failure_threshold, "message": stage.error_message}
            for stage in policy.stages
        ],
    }


@app.route("/realms")
def realms():
    # ok for Realm and ResolverRealm: fields picked in a loop
    result = {}
    for realm in Realm.query.all():
        entry = {"id": realm.id, "default": realm.default, "resolvers": []}
        for link in realm.resolvers:
            entry["resolvers"].append({"name": link.resolver_name, "priority": link.priority})
        result[realm.name] = entry
    return jsonify(result)


@app.route("/schedules")
def schedules():
    rows = []
    for schedule in PolicySchedule.query.all():
        rows.append(
            {
                "starts_at": schedule.starts_at.isoformat() if schedule.starts_at else None,
                "label": schedule.label or "",
            }
        )
    return jsonify(rows)
