from flask_login import UserMixin

from .extensions import db, login_manager


class Customer(UserMixin, db.Model):
    __tablename__ = "customers"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255))
    is_admin = db.Column(db.Boolean, default=False)
    orders = db.relationship("Order", backref="customer", lazy="dynamic")


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # The owner: a foreign key to the user table.
    buyer = db.Column(db.Integer, db.ForeignKey("customers.id"))
    total = db.Column(db.Numeric)
    status = db.Column(db.String(20))


class Product(db.Model):
    # A catalog: public by design, no owner.
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    price = db.Column(db.Numeric)


class Review(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("customers.id"))
    published = db.Column(db.Boolean, default=False)
    text = db.Column(db.Text)


@login_manager.user_loader
def load_customer(customer_id):
    return db.session.get(Customer, int(customer_id))
