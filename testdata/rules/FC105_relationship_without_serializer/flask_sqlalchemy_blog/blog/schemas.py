from .extensions import ma
from .models import Attachment, Tag


class TagSchema(ma.SQLAlchemyAutoSchema):
    class Meta:
        model = Tag
        fields = ("id", "name")


class FileSchema(ma.SQLAlchemySchema):
    # named for another thing, but its Meta names the model
    class Meta:
        model = Attachment
