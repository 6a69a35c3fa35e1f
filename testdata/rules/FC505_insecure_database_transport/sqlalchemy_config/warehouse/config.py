import os

DB_USER = os.environ.get("DB_USER", "warehouse")
DB_HOST = os.environ.get("DB_HOST", "pg.internal")


class Config:
    SQLALCHEMY_DATABASE_URI = "postgresql://warehouse@pg.internal:5432/warehouse?sslmode=disable"  # expect: FC505
    SQLALCHEMY_BINDS = {
        "events": f"postgresql+psycopg2://{DB_USER}@{DB_HOST}/events?sslmode=prefer",  # expect: FC505
        "archive": "postgresql://archive@archive.internal/archive?sslmode=verify-full",
    }
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "connect_args": {"sslmode": "allow"},  # expect: FC505
    }


class LocalConfig(Config):
    SQLALCHEMY_DATABASE_URI = "postgresql://warehouse@localhost/warehouse?sslmode=disable"  # expect: FC505


class SecureConfig(Config):
    # ok: TLS required and the server verified
    SQLALCHEMY_DATABASE_URI = "postgresql://warehouse@pg.internal/warehouse?sslmode=verify-full"
    SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"sslmode": "require", "sslrootcert": "/etc/ssl/pg.crt"}}
