import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_TRACK_MODIFICATIONS = False


class DevelopmentConfig(Config):
    DEBUG = True  # expect: FC503


class TestingConfig(Config):
    TESTING = True
    DEBUG = True  # expect: FC503


class ProductionConfig(Config):
    DEBUG = True  # expect: FC503


class UnusedConfig(Config):
    # ok: nothing loads this class
    DEBUG = True


config = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
    "default": DevelopmentConfig,
}
