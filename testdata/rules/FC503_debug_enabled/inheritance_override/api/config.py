class BaseConfig:
    DEBUG = True  # expect: FC503
    JSON_SORT_KEYS = False


class ProductionConfig(BaseConfig):
    # ok: overrides the base class
    DEBUG = False


class StagingConfig(BaseConfig):
    PREFERRED_URL_SCHEME = "https"
