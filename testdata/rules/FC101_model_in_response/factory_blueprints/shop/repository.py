from .models import Customer, Order


def find_customer(customer_id):
    return Customer.query.get_or_404(customer_id)


def latest_order(customer):
    return customer.orders.order_by(Order.id.desc()).first()


def customer_card(customer_id):
    customer = find_customer(customer_id)
    return {"id": customer.id}


def customer_with_order_count(customer_id):
    customer = Customer.query.get(customer_id)
    return customer, customer.orders.count()
