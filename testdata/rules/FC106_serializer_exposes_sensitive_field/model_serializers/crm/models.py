from .db import db
from .mixins import AuditMixin, SerializerMixin

HIDDEN_COLUMNS = ("password_hash", "reset_token")


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255))
    password_hash = db.Column(db.String(255))
    api_key = db.Column(db.String(64))
    password_changed_at = db.Column(db.DateTime)

    def to_dict(self):
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}  # expect: FC106

    def public_dict(self):
        # ok: the sensitive columns are filtered out
        return {
            c.name: getattr(self, c.name)
            for c in self.__table__.columns
            if c.name not in ("password_hash", "api_key")
        }

    def summary(self):
        # ok: chosen columns; a flag about the password, not the password
        return {"id": self.id, "has_password": self.password_hash is not None}

    def __getstate__(self):
        # ok: pickling, not serializing for a client
        return self.__dict__.copy()


class Customer(SerializerMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    ssn = db.Column(db.String(11))


class Invoice(AuditMixin, SerializerMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    total = db.Column(db.Numeric)


class Session(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    token = db.Column(db.String(64))
    expires_at = db.Column(db.DateTime)

    @property
    def serialized(self):
        data = dict(self.__dict__)
        data.pop("_sa_instance_state", None)
        return data  # expect: FC106

    def as_json(self):
        return {"id": self.id, "token": self.token, "expires": self.expires_at.isoformat()}  # expect: FC106


class Device(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    push_token = db.Column(db.String(255))
    reset_token = db.Column(db.String(64))

    def serialize(self):
        out = {}
        for column in self.__table__.columns:
            out[column.name] = getattr(self, column.name)
        return out  # expect: FC106

    def to_json(self):
        # ok: a module-level exclusion list the author maintains
        return {
            c.name: getattr(self, c.name)
            for c in self.__table__.columns
            if c.name not in HIDDEN_COLUMNS
        }


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(40))

    def to_dict(self):
        # ok: no sensitive columns
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}


class ApiClient(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    client_secret = db.Column(db.String(64))

    def as_dict(self):
        return vars(self)  # expect: FC106
