from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField


class ProfileForm(FlaskForm):
    name = StringField("Name")
    bio = TextAreaField("Bio")
