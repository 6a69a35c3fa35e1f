from __future__ import annotations

import os
import sys
import sysconfig


def find_flaskcheck_bin() -> str:
    """Return the path of the ``flaskcheck`` executable installed with this package.

    pip puts the wheel's executable in the scripts folder of the scheme it installs into, which is
    not always the running interpreter's: ``--user``, ``--prefix`` and ``--target`` installs each
    put it elsewhere. Raises ``FileNotFoundError`` naming every place looked at.
    """
    exe = "flaskcheck" + (sysconfig.get_config_var("EXE") or "")
    candidates = _script_dirs()
    for folder in candidates:
        path = os.path.join(folder, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"the {exe} executable is not in any of: {', '.join(candidates)}")


def _script_dirs() -> list[str]:
    # `__file__` is <site-packages>/flaskcheck/_find_flaskcheck.py.
    site_packages = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folders = [
        # A virtual environment, or the interpreter's own installation.
        sysconfig.get_path("scripts"),
        # `pip install --user`.
        sysconfig.get_path("scripts", scheme=_user_scheme()),
        # `pip install --target DIR`: the package in DIR, the executable in DIR/bin.
        os.path.join(site_packages, "bin"),
    ]
    # `pip install --prefix PREFIX`: the package in PREFIX/lib/pythonX.Y/site-packages (the
    # running scheme's layout under another base), the executable in PREFIX/bin.
    purelib = os.path.normcase(os.path.normpath(sysconfig.get_path("purelib")))
    base = os.path.normcase(os.path.normpath(sysconfig.get_config_var("base") or sys.prefix))
    if purelib.startswith(base + os.sep):
        layout = purelib[len(base) + 1 :]
        if os.path.normcase(site_packages).endswith(os.sep + layout):
            prefix = site_packages[: len(site_packages) - len(layout) - 1]
            folders.append(sysconfig.get_path("scripts", vars={"base": prefix, "platbase": prefix}))
    # Keep the order, drop repeats (a venv's scripts folder is often also the prefix's).
    return list(dict.fromkeys(os.path.normpath(folder) for folder in folders))


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"
