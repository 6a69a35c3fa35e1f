import shlex


def ping_command(host):
    # Builds shell text from whatever the caller passes.
    return f"ping -c 1 {host}"


def quoted_ping(host):
    return f"ping -c 1 {shlex.quote(host)}"
