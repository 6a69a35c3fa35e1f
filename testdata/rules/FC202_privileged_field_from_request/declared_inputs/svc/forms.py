from flask_wtf import FlaskForm
from wtforms import SelectField, StringField


class AccountForm(FlaskForm):
    name = StringField("Name")
    role = SelectField("Role", choices=["member", "admin"])


class ProfileForm(FlaskForm):
    name = StringField("Name")
    email = StringField("Email")
