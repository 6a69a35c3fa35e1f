from marshmallow import Schema, fields

from .extensions import db
from .errors import OrderError


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    sku = db.Column(db.String(40))
    quantity = db.Column(db.Integer)

    def reserve(self):
        if self.quantity <= 0:
            raise OrderError("This item is out of stock")


class OrderSchema(Schema):
    sku = fields.String(required=True)
    quantity = fields.Integer(required=True)
