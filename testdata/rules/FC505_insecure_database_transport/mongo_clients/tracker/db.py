import os
import ssl

from flask_mongoengine import MongoEngine
from flask_pymongo import PyMongo
from pymongo import MongoClient

MONGO_URI = os.environ.get("MONGO_URI", "mongodb://mongo.internal:27017/tracker")

client = MongoClient(MONGO_URI, tls=False)  # expect: FC505
audit = MongoClient(MONGO_URI, tls=True, tlsAllowInvalidCertificates=True)  # expect: FC505
events = MongoClient("mongodb://events.internal:27017/events?tls=false")  # expect: FC505
legacy = MongoClient("mongodb://legacy.internal/?ssl=true&ssl_cert_reqs=CERT_NONE")  # expect: FC505
mongo = PyMongo(tlsInsecure=True)  # expect: FC505
cache = MongoClient(MONGO_URI, ssl=True, ssl_cert_reqs=ssl.CERT_NONE)  # expect: FC505

MONGODB_SETTINGS = {
    "host": "mongodb://docs.internal/docs",
    "tlsAllowInvalidHostnames": True,  # expect: FC505
}
engine = MongoEngine()

# ok: TLS with a CA file
secure = MongoClient(MONGO_URI, tls=True, tlsCAFile="/etc/ssl/mongo-ca.pem")
replica = MongoClient("mongodb+srv://cluster0.example.net/tracker?retryWrites=true&tls=true")
