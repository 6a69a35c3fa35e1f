from . import db


class LogEntryBase(db.Model):
    __abstract__ = True

    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    summary = db.Column(db.String(255))
    logged_at = db.Column(db.DateTime)


class TokenLogEntry(LogEntryBase):
    # ok: `serialize_log_entry` picks the fields of the base
    token_id = db.Column(db.Integer, db.ForeignKey("token.id"))
    token = db.relationship("Token", backref="log_entries")


class RealmLogEntry(LogEntryBase):
    # ok: `serialize_log_entry` picks the fields of the base
    realm_id = db.Column(db.Integer, db.ForeignKey("realm.id"))
    realm = db.relationship("Realm", backref="log_entries")


class AuditTrail(LogEntryBase):
    # ok: `AuditExporter.serialize_audit_trail` is named for it
    realm_id = db.Column(db.Integer, db.ForeignKey("realm.id"))
    realm = db.relationship("Realm")


class RealmTag(db.Model):
    # ok: built field by field from the elements of `realm.tags`, whose only target it is
    id = db.Column(db.Integer, primary_key=True)
    realm_id = db.Column(db.Integer, db.ForeignKey("realm.id"))
    name = db.Column(db.String(50))
    realm = db.relationship("Realm", backref="tags")
