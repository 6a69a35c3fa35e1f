import os

import pymongo

client = pymongo.MongoClient(os.environ["MONGO_URI"])
db = client["shop"]
orders = db.orders
customers = client.shop.get_collection("customers")
products = client.get_database("shop")["products"]
audit = client.get_default_database().audit_log
