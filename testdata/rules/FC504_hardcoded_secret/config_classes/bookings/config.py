import os


class Config:
    SECRET_KEY = "9f8c2b7e4d1a6c3f0e5b8a2d7c4f1e6b"  # expect: FC504
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or "jwt-dev-secret"  # expect: FC504
    SQLALCHEMY_DATABASE_URI = "postgresql://bookings:Pa55w0rd!@db.internal:5432/bookings"  # expect: FC504
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    STRIPE_API_KEY = os.getenv("STRIPE_API_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc")  # expect: FC504
    SECURITY_PASSWORD_SALT = "146585145368132386173505678016728509634"  # expect: FC504
    SENDGRID_API_KEY = os.environ["SENDGRID_API_KEY"]


class DevelopmentConfig(Config):
    SECRET_KEY = "dev"  # expect: FC504
    SQLALCHEMY_DATABASE_URI = "postgresql://bookings:bookings@localhost/bookings_dev"  # expect: FC504


class TestingConfig(Config):
    SECRET_KEY = "testing-secret"  # expect: FC504
    SQLALCHEMY_DATABASE_URI = "sqlite://"


class ProductionConfig(Config):
    SECRET_KEY = os.environ["SECRET_KEY"]
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


config_by_name = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
