# Python 3.12 f-strings (PEP 701) parse: quotes reused inside replacement fields.
names = ["a", "b"]
greeting = f"{", ".join(f"{n!r}" for n in names)}"
nested = f"{f"{f"{1}"}"}"
