class AuditLog:
    """Not a collection: a project class with a method of the same name."""

    def __init__(self):
        self.entries = []

    def insert_one(self, entry):
        self.entries.append(entry)
