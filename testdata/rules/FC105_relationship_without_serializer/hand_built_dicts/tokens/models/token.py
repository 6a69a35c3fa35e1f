from tokens.models import db


class Token(db.Model):
    # ok: `get_vars` builds a dict of chosen fields
    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String(40))
    otp_key = db.Column(db.String(256))
    info_list = db.relationship("TokenInfo", backref="token")
    owners = db.relationship("TokenOwner", backref="token", lazy="dynamic")

    def get_vars(self):
        ret = {"id": self.id, "serial": self.serial}
        info = {}
        # ok for TokenInfo: the parent picks its fields
        for entry in self.info_list:
            info[entry.key] = entry.value
        ret["info"] = info
        return ret


class TokenInfo(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    token_id = db.Column(db.Integer, db.ForeignKey("token.id"))
    key = db.Column(db.String(255))
    value = db.Column(db.Text)


class TokenOwner(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    token_id = db.Column(db.Integer, db.ForeignKey("token.id"))
    realm_id = db.Column(db.Integer, db.ForeignKey("realm.id"))
    user_id = db.Column(db.String(320))
    realm = db.relationship("Realm")  # expect: FC105


class Realm(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(255))
    default = db.Column(db.Boolean)
    resolvers = db.relationship("ResolverRealm", backref="realm")


class ResolverRealm(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    realm_id = db.Column(db.Integer, db.ForeignKey("realm.id"))
    resolver_name = db.Column(db.String(255))
    priority = db.Column(db.Integer)


class Setting(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(255))
    group_id = db.Column(db.Integer, db.ForeignKey("setting_group.id"))
    group = db.relationship("SettingGroup")  # expect: FC105

    @classmethod
    def as_dict(cls):
        # a classmethod dumping configuration does not serialize an instance
        return dict(cls.query.with_entities(cls.key, cls.group_id).all())


class SettingGroup(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(255))
    owner_id = db.Column(db.Integer, db.ForeignKey("token_owner.id"))
    owner = db.relationship("TokenOwner")  # expect: FC105
