from flask import g, jsonify

from .lib import app


def serialize_log_entry(entry, tz):
    return {
        "id": entry.id,
        "kind": entry.kind,
        "summary": entry.summary,
        "time": entry.logged_at.astimezone(tz).isoformat(),
    }


class AuditExporter:
    def serialize_audit_trail(self, trail):
        return [trail.id, trail.summary]


@app.route("/realm/tags")
def realm_tags():
    return jsonify([{"id": tag.id, "name": tag.name} for tag in g.realm.tags])
