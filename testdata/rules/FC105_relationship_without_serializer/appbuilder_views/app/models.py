from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class ContactGroup(Base):
    __tablename__ = "contact_group"

    id = Column(Integer, primary_key=True)
    name = Column(String(50))


class Contact(Base):
    # ok: a Flask-AppBuilder API declares its columns
    __tablename__ = "contact"

    id = Column(Integer, primary_key=True)
    name = Column(String(150))
    contact_group_id = Column(Integer, ForeignKey("contact_group.id"))
    contact_group = relationship("ContactGroup")


class Gender(Base):
    __tablename__ = "gender"

    id = Column(Integer, primary_key=True)
    name = Column(String(50))


class Phone(Base):
    __tablename__ = "phone"

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contact.id"))
    gender_id = Column(Integer, ForeignKey("gender.id"))
    contact = relationship("Contact", backref="phones")  # expect: FC105
    gender = relationship("Gender")
