from flask import Blueprint, jsonify
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from .db import SessionLocal
from .models import Item, Warehouse

bp = Blueprint("inventory", __name__)


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str


@bp.route("/items/<int:item_id>")
def get_item(item_id):
    with SessionLocal() as session:
        item = session.get(Item, item_id)
        return jsonify(item)  # expect: FC101


@bp.route("/items/<int:item_id>/public")
def get_item_public(item_id):
    with SessionLocal() as session:
        item = session.get(Item, item_id)
        # ok: a pydantic model of chosen fields
        return jsonify(ItemOut.model_validate(item).model_dump())


@bp.route("/items/by-sku/<sku>")
def by_sku(sku):
    session = SessionLocal()
    item = session.scalars(select(Item).where(Item.sku == sku)).first()
    return jsonify(item=item)  # expect: FC101


@bp.route("/items/by-sku/<sku>/id")
def by_sku_id(sku):
    session = SessionLocal()
    # ok: a projection of one column
    item_id = session.execute(select(Item.id).where(Item.sku == sku)).scalar_one()
    return jsonify(id=item_id)


@bp.route("/items/<int:item_id>/warehouse")
def item_warehouse(item_id):
    session = SessionLocal()
    item = session.execute(select(Item).where(Item.id == item_id)).scalar_one()
    return jsonify(item.warehouse)  # expect: FC101


@bp.route("/items/<int:item_id>/supplier")
def item_supplier(item_id):
    session = SessionLocal()
    item = session.get(Item, item_id)
    result = {"sku": item.sku, "supplier": item.supplier}
    return jsonify(result)  # expect: FC101


@bp.route("/items/<int:item_id>/supplier-id")
def item_supplier_id(item_id):
    session = SessionLocal()
    item = session.get(Item, item_id)
    # ok: the related object's id only
    return jsonify({"sku": item.sku, "supplier": item.supplier.id})


@bp.route("/warehouses/<int:warehouse_id>")
def warehouse(warehouse_id):
    session = SessionLocal()
    found = session.get(Warehouse, warehouse_id)
    if found is None:
        return jsonify(error="missing"), 404
    found = {"id": found.id, "name": found.name}
    # ok: rebound to a dict before it is returned
    return jsonify(found)
