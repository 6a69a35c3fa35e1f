from pydantic import BaseModel, ConfigDict, Field, SecretStr


class OrmModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(OrmModel):
    id: int
    email: str
    hashed_password: str  # expect: FC106


class UserCreate(BaseModel):
    # ok: input
    email: str
    password: str


class UserRead(OrmModel):
    id: int
    # ok: SecretStr is dumped masked
    api_key: SecretStr


class UserPublic(BaseModel):
    id: int
    # ok: excluded from dumps
    refresh_token: str = Field(exclude=True)


class LoginResponse(BaseModel):
    # ok: a login response carries the token it issues
    access_token: str
    token_type: str = "bearer"


class AuditEntry(BaseModel):
    # ok: not built from ORM objects and not named as output
    action: str
    password: str
