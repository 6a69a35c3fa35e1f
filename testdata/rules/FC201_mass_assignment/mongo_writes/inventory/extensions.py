from flask_pymongo import PyMongo
from pymongo import MongoClient

mongo = PyMongo()
archive = MongoClient()["inventory"]["archive"]
