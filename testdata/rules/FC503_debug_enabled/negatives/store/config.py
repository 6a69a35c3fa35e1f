import os


class ProductionConfig:
    DEBUG = False
    SQLALCHEMY_ECHO = True


class LocalConfig(ProductionConfig):
    # ok: nothing loads it
    DEBUG = True


def env_flag(name):
    return os.environ.get(name, "0") == "1"


class EnvConfig:
    # ok: read from the environment
    DEBUG = env_flag("DEBUG")
