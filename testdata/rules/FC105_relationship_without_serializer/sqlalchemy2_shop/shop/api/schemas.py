from pydantic import BaseModel, ConfigDict


class OrderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int


class OrderLineRead(BaseModel):
    id: int
    product_id: int


class ProductPublic(BaseModel):
    id: int
    name: str
