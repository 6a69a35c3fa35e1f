from flask_login import UserMixin

from .extensions import database, login

Model = database.Model


class TimestampMixin:
    created_at = database.Column(database.DateTime)


class Customer(UserMixin, TimestampMixin, Model):
    id = database.Column(database.Integer, primary_key=True)
    email = database.Column(database.String(255))
    password_hash = database.Column(database.String(255))
    orders = database.relationship("Order", backref="customer", lazy="dynamic")

    @classmethod
    def get_by_email(cls, email):
        return cls.query.filter_by(email=email).first()

    def public(self):
        return {"id": self.id}

    def to_dict(self):
        return {"id": self.id, "email": self.email}


class Order(database.Model):
    id = database.Column(database.Integer, primary_key=True)
    customer_id = database.Column(database.Integer, database.ForeignKey("customer.id"))
    total = database.Column(database.Numeric)
    card_last4 = database.Column(database.String(4))


class VipCustomer(Customer):
    discount = database.Column(database.Integer)


@login.user_loader
def load_customer(customer_id):
    return database.session.get(Customer, int(customer_id))
