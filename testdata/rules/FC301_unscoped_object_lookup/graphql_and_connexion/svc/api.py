from .models import Invoice


def get_invoice(invoice_id):
    invoice = Invoice.query.get_or_404(invoice_id)  # expect: FC301
    return {"id": invoice.id, "amount": str(invoice.amount)}


def helper(invoice_id):
    # ok: not an operation of the OpenAPI file
    return Invoice.query.get(invoice_id)
