"""split accounts

Revision ID: 3f2a
Revises: 1b7c
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import declarative_base, relationship, Session

revision = "3f2a"
down_revision = "1b7c"

Base = declarative_base()


class Account(Base):
    # ok: a snapshot model for a data migration
    __tablename__ = "account"
    id = sa.Column(sa.Integer, primary_key=True)
    members = relationship("Member", backref="account")


class Member(Base):
    # ok: a snapshot model for a data migration
    __tablename__ = "member"
    id = sa.Column(sa.Integer, primary_key=True)
    account_id = sa.Column(sa.Integer, sa.ForeignKey("account.id"))
    invites = relationship("Invite", backref="member")


def upgrade():
    session = Session(bind=op.get_bind())
    for account in session.query(Account):
        account.members = []
    session.commit()


def downgrade():
    pass
