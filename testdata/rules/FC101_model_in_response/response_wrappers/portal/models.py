from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Device(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    serial = db.Column(db.String)
    otp_seed = db.Column(db.String)

    def get_public(self):
        return {"id": self.id, "serial": self.serial}
