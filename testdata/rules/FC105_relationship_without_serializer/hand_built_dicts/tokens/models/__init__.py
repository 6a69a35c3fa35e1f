# The package rebinds `db` (the submodule `db.py` is shadowed by the object it defines).
from .db import db
from .policy import Policy, PolicyCondition, PolicyStage
from .token import Token, TokenInfo, TokenOwner

__all__ = ["db", "Policy", "PolicyCondition", "PolicyStage", "Token", "TokenInfo", "TokenOwner"]
