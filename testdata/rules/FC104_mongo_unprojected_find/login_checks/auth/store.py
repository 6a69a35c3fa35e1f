from pymongo import MongoClient

users = MongoClient()["auth"]["users"]
tokens = MongoClient().auth.tokens
