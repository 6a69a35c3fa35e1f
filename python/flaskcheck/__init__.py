"""flaskcheck: finds the ways Flask APIs leak data and accept data they should not.

flaskcheck is a native executable; this package only locates it, for ``python -m flaskcheck`` and
for tools that want to run it::

    import subprocess
    from flaskcheck import find_flaskcheck_bin

    subprocess.run([find_flaskcheck_bin(), "lint", "app/"])
"""

from flaskcheck._find_flaskcheck import find_flaskcheck_bin

__all__ = ["find_flaskcheck_bin"]
