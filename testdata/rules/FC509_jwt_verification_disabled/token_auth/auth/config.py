class Config:
    JWT_SECRET_KEY_FILE = "/run/secrets/jwt"
    JWT_TOKEN_LOCATION = ["headers", "cookies"]
    JWT_ACCESS_TOKEN_EXPIRES = False  # expect: FC509
    JWT_DECODE_ALGORITHMS = ["HS256", "none"]  # expect: FC509


class TestConfig(Config):
    # ok: a testing config
    JWT_ALGORITHM = "none"
