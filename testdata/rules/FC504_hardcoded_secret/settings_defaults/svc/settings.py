from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    secret_key: str = "insecure-default-key"  # expect: FC504
    database_url: str = "postgresql://svc@db.internal/svc"
    sentry_dsn: str | None = None
