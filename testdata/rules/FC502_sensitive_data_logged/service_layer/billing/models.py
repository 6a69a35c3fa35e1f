from .extensions import db


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255))
    card_number = db.Column(db.String(19))
    card_last4 = db.Column(db.String(4))


class Invoice(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.Integer, db.ForeignKey("customer.id"))
    total = db.Column(db.Numeric)

    def __str__(self):
        return f"Invoice #{self.id}: {self.total}"
