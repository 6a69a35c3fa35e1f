from flask_pymongo import PyMongo
from pymongo import MongoClient

mongo = PyMongo()

# The reporting database, shared by the workers and the web app.
reports_client = MongoClient("mongodb://localhost:27017")
reports = reports_client.reporting
