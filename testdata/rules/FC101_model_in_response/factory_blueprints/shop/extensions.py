from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy as FlaskSQLAlchemy

# The SQLAlchemy object is not called `db` here: models are known by their base class.
database = FlaskSQLAlchemy()
login = LoginManager()
