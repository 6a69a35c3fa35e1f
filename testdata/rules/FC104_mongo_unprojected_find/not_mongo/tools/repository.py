class NoteRepository:
    def __init__(self):
        self.notes = {}

    def find(self, note_id):
        return {"id": note_id, "text": self.notes.get(note_id, "")}

    def find_one(self, **criteria):
        return {"count": len(criteria)}
