from .extensions import ma
from .models import Post


class PostSchema(ma.SQLAlchemySchema):
    class Meta:
        model = Post
        fields = ("id", "title")


post_schema = PostSchema()
posts_schema = PostSchema(many=True)
