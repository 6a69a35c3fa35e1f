from flask import jsonify, request
from flask.views import MethodView
from flask_login import current_user, login_required
from flask_restful import Resource

from .models import Document, Invoice, db
from .permissions import check_owner, permission_required


class InvoiceAPI(MethodView):
    decorators = [login_required]

    def get(self, invoice_id):
        invoice = db.one_or_404(db.select(Invoice).where(Invoice.id == invoice_id))  # expect: FC301
        return jsonify(amount=invoice.amount)

    def put(self, invoice_id):
        invoice = db.get_or_404(Invoice, invoice_id)
        # ok: a permission check on the object
        if not current_user.can_edit(invoice):
            return jsonify(error="forbidden"), 403
        invoice.amount = request.json["amount"]
        db.session.commit()
        return jsonify(amount=invoice.amount)

    def delete(self, invoice_id):
        invoice = db.get_or_404(Invoice, invoice_id)
        # ok: a helper that checks ownership
        check_owner(invoice)
        db.session.delete(invoice)
        db.session.commit()
        return "", 204


class DocumentResource(Resource):
    method_decorators = [login_required]

    def get(self, doc_id):
        doc = Document.query.get(doc_id)  # expect: FC301
        return {"body": doc.body}

    def post(self, doc_id):
        doc = db.session.execute(db.select(Document).filter_by(id=doc_id)).scalar_one()  # expect: FC301
        doc.body = request.json["body"]
        db.session.commit()
        return {"ok": True}


class SharedDocument(Resource):
    # ok: the class requires a permission for every method
    method_decorators = [permission_required("documents.read"), login_required]

    def get(self, doc_id):
        doc = Document.query.get(doc_id)
        return {"body": doc.body}
