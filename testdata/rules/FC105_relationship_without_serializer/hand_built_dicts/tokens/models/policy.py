from . import db


class Policy(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(64))
    conditions = db.relationship("PolicyCondition", backref="policy")
    stages = db.relationship("PolicyStage", backref="policy")
    options = db.relationship("PolicyOption", backref="policy")
    schedules = db.relationship("PolicySchedule", backref="policy")

    def options_dict(self):
        return dict((option.key, option.value) for option in self.options)


class PolicyCondition(db.Model):
    # ok: returns a tuple of its own fields
    id = db.Column(db.Integer, primary_key=True)
    policy_id = db.Column(db.Integer, db.ForeignKey("policy.id"))
    section = db.Column(db.String(255))
    comparator = db.Column(db.String(255))

    def as_tuple(self):
        return self.section, self.comparator


class PolicyStage(db.Model):
    # ok: serialized by a helper whose parameter is not typed by the analysis; the attribute
    # names it picks belong to this model only
    id = db.Column(db.Integer, primary_key=True)
    policy_id = db.Column(db.Integer, db.ForeignKey("policy.id"))
    failure_threshold = db.Column(db.Integer)
    error_message = db.Column(db.String(255))


class PolicyOption(db.Model):
    # ok: its parent picks its fields with `dict((o.key, o.value) for o in ...)`
    id = db.Column(db.Integer, primary_key=True)
    policy_id = db.Column(db.Integer, db.ForeignKey("policy.id"))
    key = db.Column(db.String(255))
    value = db.Column(db.String(255))


class PolicySchedule(db.Model):
    # ok: picked field by field through `isoformat()`, `or` and a conditional
    id = db.Column(db.Integer, primary_key=True)
    policy_id = db.Column(db.Integer, db.ForeignKey("policy.id"))
    starts_at = db.Column(db.DateTime)
    label = db.Column(db.String(80))
