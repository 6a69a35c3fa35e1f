import os


class Config:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///blog.db")
    MONGO_URI = os.environ.get("MONGO_URI", "mongodb://localhost:27017/blog")


class ProductionConfig(Config):
    DEBUG = False
