from flask import Flask
from flask_restful import Api

from .resources import ItemList, ItemResource


def create_app():
    app = Flask(__name__)
    api = Api(app)
    api.add_resource(ItemList, "/items")
    api.add_resource(ItemResource, "/items/<int:item_id>")
    return app
