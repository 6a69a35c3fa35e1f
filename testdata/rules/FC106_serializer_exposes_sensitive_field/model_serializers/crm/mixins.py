class SerializerMixin:
    def to_dict(self):
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}  # expect: FC106


class AuditMixin:
    def audit_dict(self):
        # ok: only used by models without sensitive columns
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}
