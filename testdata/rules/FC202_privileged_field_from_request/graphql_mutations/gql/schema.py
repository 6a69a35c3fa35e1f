import graphene

from .models import User, db


class UpdateUser(graphene.Mutation):
    class Arguments:
        id = graphene.Int(required=True)
        name = graphene.String()
        is_admin = graphene.Boolean()

    ok = graphene.Boolean()

    def mutate(root, info, id, name=None, is_admin=None):
        user = User.query.get(id)
        user.name = name
        user.is_admin = is_admin  # expect: FC202
        db.session.commit()
        return UpdateUser(ok=True)


class Rename(graphene.Mutation):
    class Arguments:
        name = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, name):
        # ok: not a privileged field
        user = User.query.get(1)
        user.name = name
        return Rename(ok=True)
