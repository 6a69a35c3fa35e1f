from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class Department(Model):
    # ok: Flask-AppBuilder's `Model` serializes with `to_json()`
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    head_id = Column(Integer, ForeignKey("contact.id"))
    head = relationship("Contact")
