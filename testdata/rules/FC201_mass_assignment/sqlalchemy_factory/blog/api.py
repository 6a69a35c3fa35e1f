import json

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from .extensions import db
from .forms import ProfileForm
from .models import Invite, Post, SearchOptions, Team, User
from .schemas import UserIn, UserSchema

api = Blueprint("api", __name__)

EDITABLE = {"name", "bio"}
PROTECTED = ("id", "is_admin")


@api.post("/users")
def create_user():
    user = User(**request.get_json())  # expect: FC201
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201


@api.post("/users/form")
def create_user_from_form():
    data = request.form.to_dict()
    user = User(**data)  # expect: FC201
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201


@api.post("/users/raw")
def create_user_raw():
    user = User(**json.loads(request.data))  # expect: FC201
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.post("/users/crud")
def create_user_crud():
    user = User.create(**request.json)  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id), 201


@api.post("/posts")
def create_post():
    post = Post(**request.json["post"])  # expect: FC201
    db.session.add(post)
    return jsonify(id=post.id), 201


@api.patch("/users/<int:user_id>")
def update_user(user_id):
    user = db.get_or_404(User, user_id)
    user.update(**request.get_json())  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.put("/users/<int:user_id>")
def replace_user(user_id):
    user = User.query.get_or_404(user_id)
    user.__dict__.update(request.get_json())  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/loop")
def update_user_loop(user_id):
    user = User.query.get_or_404(user_id)
    data = request.get_json()
    for key, value in data.items():
        setattr(user, key, value)  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/me")
@login_required
def update_me():
    for key in request.form:
        setattr(current_user, key, request.form[key])  # expect: FC201
    db.session.commit()
    return jsonify(ok=True)


@api.patch("/users/<int:user_id>/hasattr")
def update_user_hasattr(user_id):
    user = User.query.get_or_404(user_id)
    for key, value in request.json.items():
        # not an allow-list: every attribute of the model passes
        if hasattr(user, key):
            setattr(user, key, value)  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/columns")
def update_user_columns(user_id):
    user = User.query.get_or_404(user_id)
    for key, value in request.json.items():
        # not an allow-list: every column, `is_admin` included
        if key in User.__table__.columns:
            setattr(user, key, value)  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/denylist")
def update_user_denylist(user_id):
    user = User.query.get_or_404(user_id)
    for key, value in request.json.items():
        # a deny-list misses whatever column is added next
        if key in PROTECTED:
            continue
        setattr(user, key, value)  # expect: FC201
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/bulk")
def bulk_update(user_id):
    User.query.filter_by(id=user_id).update(request.get_json())  # expect: FC201
    db.session.commit()
    return jsonify(ok=True)


@api.patch("/users/<int:user_id>/bulk-form")
def bulk_update_form(user_id):
    db.session.query(User).filter(User.id == user_id).update(dict(request.form))  # expect: FC201
    db.session.commit()
    return jsonify(ok=True)


@api.patch("/users/<int:user_id>/copy")
def update_from_copy(user_id):
    user = User.query.get_or_404(user_id)
    changes = {key: value for key, value in request.json.items()}
    user.update(**changes)  # expect: FC201
    return jsonify(id=user.id)


@api.post("/teams")
def create_team():
    team = Team(**request.get_json())  # expect: FC201
    db.session.add(team)
    return jsonify(id=team.id), 201


# Safe below.


@api.post("/invites")
def create_invite():
    # ok: the model's `__init__` takes named parameters only
    invite = Invite(**request.get_json())
    db.session.add(invite)
    return jsonify(id=invite.id), 201


@api.post("/users/fields")
def create_user_fields():
    data = request.get_json()
    # ok: fields taken one by one
    user = User(name=data["name"], bio=data.get("bio", ""))
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.post("/users/allowed")
def create_user_allowed():
    data = request.get_json()
    # ok: filtered through an allow-list
    allowed = {k: v for k, v in data.items() if k in EDITABLE}
    user = User(**allowed)
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.post("/users/picked")
def create_user_picked():
    data = request.get_json()
    # ok: keys from a fixed list
    user = User(**{field: data[field] for field in ("name", "bio") if field in data})
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.post("/users/marshmallow")
def create_user_marshmallow():
    # ok: loaded through a schema
    user = User(**UserSchema().load(request.get_json()))
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.post("/users/pydantic")
def create_user_pydantic():
    # ok: validated by a pydantic model
    payload = UserIn(**request.get_json())
    user = User(**payload.model_dump())
    db.session.add(user)
    return jsonify(id=user.id), 201


@api.patch("/users/<int:user_id>/fixed")
def update_user_fixed(user_id):
    user = User.query.get_or_404(user_id)
    data = request.get_json()
    # ok: a loop over a fixed list of fields
    for field in ("name", "bio"):
        if field in data:
            setattr(user, field, data[field])
    db.session.commit()
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/editable")
def update_user_editable(user_id):
    user = User.query.get_or_404(user_id)
    data = request.get_json()
    # ok: a loop over a module-level allow-list
    for field in EDITABLE:
        if field in data:
            setattr(user, field, data[field])
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/guarded")
def update_user_guarded(user_id):
    user = User.query.get_or_404(user_id)
    # ok: an allow-list guard around setattr
    for key, value in request.json.items():
        if key in EDITABLE:
            setattr(user, key, value)
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/skip")
def update_user_skip(user_id):
    user = User.query.get_or_404(user_id)
    # ok: keys outside the allow-list are skipped first
    for key, value in request.json.items():
        if key not in EDITABLE:
            continue
        setattr(user, key, value)
    return jsonify(id=user.id)


@api.patch("/users/<int:user_id>/reject")
def update_user_reject(user_id):
    user = User.query.get_or_404(user_id)
    # ok: keys outside the allow-list are rejected
    for key, value in request.json.items():
        if key not in EDITABLE:
            abort(400)
        setattr(user, key, value)
    return jsonify(id=user.id)


@api.post("/profile")
@login_required
def edit_profile():
    form = ProfileForm()
    # ok: WTForms copies its declared fields after validation
    if form.validate_on_submit():
        form.populate_obj(current_user)
        db.session.commit()
    return jsonify(ok=True)


@api.get("/search")
def search():
    # ok: a dataclass, not a model
    options = SearchOptions(**request.args.to_dict())
    return jsonify(q=options.q)


@api.get("/posts")
def list_posts():
    # ok: filtering, not assignment
    posts = Post.query.filter_by(**request.args.to_dict()).all()
    return jsonify([p.id for p in posts])


@api.post("/echo")
def echo():
    # ok: a plain dict
    payload = {"source": "api"}
    payload.update(**request.json)
    return jsonify(payload)


@api.patch("/users/<int:user_id>/single")
def update_single(user_id):
    user = User.query.get_or_404(user_id)
    # ok: one named attribute
    setattr(user, "bio", request.json["bio"])
    return jsonify(id=user.id)
