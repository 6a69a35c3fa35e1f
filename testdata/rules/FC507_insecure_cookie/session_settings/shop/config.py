class BaseConfig:
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True


class ProductionConfig(BaseConfig):
    REMEMBER_COOKIE_HTTPONLY = False  # expect: FC507
    SESSION_COOKIE_SAMESITE = None  # expect: FC507


class LocalConfig(BaseConfig):
    # ok: a development config (served over plain HTTP on the developer's machine)
    SESSION_COOKIE_SECURE = False
