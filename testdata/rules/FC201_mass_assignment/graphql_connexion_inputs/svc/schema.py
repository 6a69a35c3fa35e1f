import graphene

from .models import Note, db


class CreateNote(graphene.Mutation):
    class Arguments:
        title = graphene.String()
        body = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, **kwargs):
        note = Note(**kwargs)  # expect: FC201
        db.session.add(note)
        return CreateNote(ok=True)


class RenameNote(graphene.Mutation):
    class Arguments:
        id = graphene.Int()
        title = graphene.String()

    ok = graphene.Boolean()

    def mutate(root, info, id, title):
        # ok: one argument, by name
        note = Note(id=id, title=title)
        db.session.add(note)
        return RenameNote(ok=True)
