from flask_sqlalchemy import SQLAlchemy
from sqlalchemy_serializer import SerializerMixin

db = SQLAlchemy()


class BaseModel(db.Model):
    __abstract__ = True

    id = db.Column(db.Integer, primary_key=True)

    def as_dict(self):
        return {"id": self.id}


class Department(BaseModel):
    # ok: the base serializes
    employees = db.relationship("Employee", backref="department")


class Employee(BaseModel):
    department_id = db.Column(db.Integer, db.ForeignKey("department.id"))
    manager_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    manager = db.relationship("Employee", remote_side="Employee.id")


class Payslip(db.Model, SerializerMixin):
    # ok: serialized by the mixin
    id = db.Column(db.Integer, primary_key=True)
    employee_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    employee = db.relationship("Employee", backref="payslips")


class Leave(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    employee_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    approver_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    employee = db.relationship("Employee", foreign_keys=[employee_id])  # expect: FC105
    approver = db.relationship("Employee", foreign_keys=[approver_id])


class Review(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    employee_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    employee = db.relationship("Employee", backref=db.backref("reviews", lazy="dynamic"))  # expect: FC105
    score = db.Column(db.Integer)
    notes = db.Column(db.Text)


class Feedback(db.Model):
    # ok: a serializer property
    id = db.Column(db.Integer, primary_key=True)
    review_id = db.Column(db.Integer, db.ForeignKey("review.id"))
    review = db.relationship("Review")

    @property
    def serialized(self):
        return {"id": self.id}


class Badge(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    employee_id = db.Column(db.Integer, db.ForeignKey("employee.id"))
    holder = db.relationship("Employee", backref="badges")  # expect: FC105
