from flask import Flask
from flask_restful import Api

from .api import DocumentResource, InvoiceAPI, SharedDocument


def create_app():
    app = Flask(__name__)
    api = Api(app)
    api.add_resource(DocumentResource, "/documents/<int:doc_id>")
    api.add_resource(SharedDocument, "/shared/<int:doc_id>")
    app.add_url_rule("/invoices/<int:invoice_id>", view_func=InvoiceAPI.as_view("invoice"))
    return app
