import os

from pymongo import MongoClient

client = MongoClient(os.environ["MONGO_URI"])
db = client.get_default_database()
