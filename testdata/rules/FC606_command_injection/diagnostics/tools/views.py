import asyncio
import os
import shlex
import subprocess

from flask import abort, request

from . import app
from .commands import ping_command, quoted_ping

TOOLS = ("uptime", "df", "free")


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    os.system(f"ping -c 1 {host}")  # expect: FC606
    return "sent"


@app.route("/ping/helper")
def ping_helper():
    # The command is built by a helper in another module.
    return os.popen(ping_command(request.args["host"])).read()  # expect: FC606


@app.route("/ping/quoted")
def ping_quoted():
    # ok: quoted for the shell
    return os.popen(quoted_ping(request.args["host"])).read()


@app.route("/ping/shlex")
def ping_shlex():
    host = shlex.quote(request.args["host"])
    # ok: quoted for the shell
    return subprocess.check_output("ping -c 1 " + host, shell=True)


@app.route("/grep")
def grep():
    pattern = request.args["pattern"]
    return subprocess.run(f"grep {pattern} /var/log/app.log", shell=True, capture_output=True).stdout  # expect: FC606


@app.route("/log")
def log():
    ref = request.args.get("ref", "HEAD")
    # Medium: no shell, but the value is an argument (`--output=...` is an option).
    return subprocess.check_output(["git", "log", "-1", ref])  # expect: FC606


@app.route("/log/count/<int:count>")
def log_count(count):
    # ok: a number
    return subprocess.check_output(["git", "log", f"-{count}"])


@app.route("/run")
def run():
    command = request.args["command"]
    return subprocess.check_output(shlex.split(command))  # expect: FC606


@app.route("/tool/<name>")
def tool(name):
    if name not in TOOLS:
        abort(404)
    # ok: one of the tools listed here
    return subprocess.check_output([name])


@app.route("/tool/any/<name>")
def any_tool(name):
    return subprocess.check_output([name, "--version"])  # expect: FC606


@app.route("/convert", methods=["POST"])
async def convert():
    path = request.form["path"]
    process = await asyncio.create_subprocess_shell(f"convert {path} out.png")  # expect: FC606
    await process.wait()
    return "done"


@app.route("/uptime")
def uptime():
    # ok: a constant command
    return subprocess.check_output(["uptime"])


def run_script(name):
    # ok: not a view; its callers decide
    return subprocess.run(f"./scripts/{name}.sh", shell=True)
