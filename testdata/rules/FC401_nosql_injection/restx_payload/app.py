from flask import Flask
from flask_restx import Api, Namespace, Resource
from pymongo import MongoClient

app = Flask(__name__)
api = Api(app)
ns = Namespace("orders")
api.add_namespace(ns)
db = MongoClient().shop


@ns.route("/search")
class Search(Resource):
    def post(self):
        return list(db.orders.find(ns.payload, {"_id": 0, "total": 1}))  # expect: FC401

    def put(self):
        # ok: a string taken from the payload
        return list(db.orders.find({"status": str(self.api.payload["status"])}, {"_id": 0}))

    def patch(self):
        return list(db.orders.find({"status": self.api.payload["status"]}, {"_id": 0}))  # expect: FC401
