from flask_pymongo import PyMongo

mongo = PyMongo()
