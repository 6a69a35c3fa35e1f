from .post import Comment, Post
from .user import User

__all__ = ["Comment", "Post", "User"]
