from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy import orm
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import dynamic_loader, relation

Base = declarative_base()

book_authors = Table(
    "book_authors",
    Base.metadata,
    Column("book_id", Integer, ForeignKey("books.id")),
    Column("author_id", Integer, ForeignKey("authors.id")),
)


class Author(Base):
    __tablename__ = "authors"

    id = Column(Integer, primary_key=True)
    name = Column(String(100))
    books = orm.relationship("Book", secondary=book_authors, back_populates="authors")  # expect: FC105


class Book(Base):
    __tablename__ = "books"

    id = Column(Integer, primary_key=True)
    title = Column(String(200))
    authors = orm.relationship("Author", secondary=book_authors, back_populates="books")

    def __json__(self):
        return {"id": self.id, "title": self.title}


class Member(Base):
    __tablename__ = "members"

    id = Column(Integer, primary_key=True)
    card_number = Column(String(20))
    loans = dynamic_loader("Loan")  # expect: FC105


class Loan(Base):
    __tablename__ = "loans"

    id = Column(Integer, primary_key=True)
    member_id = Column(Integer, ForeignKey("members.id"))
    book_id = Column(Integer, ForeignKey("books.id"))
    book = relation("Book", backref="loans")  # expect: FC105


class Shelf(Base):
    __tablename__ = "shelves"

    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    floor = Column(Integer)
    books = relation("Book")  # expect: FC105

    def __init__(self, name, floor):
        # a store, not a serializer
        self.name, self.floor = name, floor

    def __hash__(self):
        # a key, not a serializer
        return hash((self.name, self.floor))
