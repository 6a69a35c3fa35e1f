class Config:
    SECRET_KEY = None
    WTF_CSRF_TIME_LIMIT = 3600


class ProductionConfig(Config):
    WTF_CSRF_CHECK_DEFAULT = False  # expect: FC506


class DevelopmentConfig(Config):
    # ok: a development config
    WTF_CSRF_ENABLED = False


class TestingConfig(Config):
    # ok: a testing config
    WTF_CSRF_ENABLED = False


class UnusedConfig(Config):
    # ok: nothing loads it
    WTF_CSRF_ENABLED = False


CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}
