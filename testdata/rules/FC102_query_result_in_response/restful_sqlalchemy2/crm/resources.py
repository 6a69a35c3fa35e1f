from flask_restful import Resource, fields, marshal_with
from sqlalchemy import select

from .models import Company, Contact, session

contact_fields = {"id": fields.Integer, "email": fields.String}


class ContactList(Resource):
    def get(self, company_id):
        return Contact.for_company(company_id)  # expect: FC102


class ContactListMarshalled(Resource):
    @marshal_with(contact_fields)
    def get(self, company_id):
        # ok: marshal_with
        return Contact.for_company(company_id)


class CompanyContacts(Resource):
    def get(self, company_id):
        company = session.get(Company, company_id)
        return {"company": company.name, "contacts": company.contacts}  # expect: FC102


class CompanyContactEmails(Resource):
    def get(self, company_id):
        company = session.get(Company, company_id)
        # ok: one column per row
        return {"emails": [c.email for c in company.contacts]}


class AllCompanies(Resource):
    def get(self):
        companies = session.execute(select(Company)).scalars().all()
        return companies, 200  # expect: FC102


class CompanyIds(Resource):
    def get(self):
        # ok: projected select
        ids = session.execute(select(Company.id)).scalars().all()
        return {"ids": ids}
