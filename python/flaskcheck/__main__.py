"""``python -m flaskcheck ARGS``: runs the flaskcheck executable with ARGS, as if run directly."""

from __future__ import annotations

import os
import sys

from flaskcheck import find_flaskcheck_bin

# flaskcheck's exit code for a usage, configuration or I/O error.
EXIT_ERROR = 2


def main() -> None:
    try:
        flaskcheck = os.fsdecode(find_flaskcheck_bin())
    except FileNotFoundError as err:
        print(
            f"flaskcheck: error: {err}; reinstall the package "
            "(pip install --force-reinstall flaskcheck)",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)
    if sys.platform == "win32":
        # Windows has no exec that replaces the process: a child's exit code must be relayed.
        import subprocess

        sys.exit(subprocess.run([flaskcheck, *sys.argv[1:]]).returncode)
    os.execv(flaskcheck, [flaskcheck, *sys.argv[1:]])


if __name__ == "__main__":
    main()
