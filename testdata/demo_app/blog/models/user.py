from datetime import datetime

from flask_login import UserMixin

from ..extensions import db, login_manager


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), unique=True, nullable=False)
    display_name = db.Column(db.String(80))
    password_hash = db.Column(db.String(255), nullable=False)
    is_admin = db.Column(db.Boolean, default=False)
    created_at = db.Column(db.DateTime, default=datetime.utcnow)

    posts = db.relationship("Post", back_populates="author", lazy="dynamic")

    def to_dict(self):
        return {"id": self.id, "display_name": self.display_name}


@login_manager.user_loader
def load_user(user_id):
    return db.session.get(User, int(user_id))
