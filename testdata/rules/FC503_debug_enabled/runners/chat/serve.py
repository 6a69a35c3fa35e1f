from werkzeug.debug import DebuggedApplication
from werkzeug.serving import run_simple

from . import create_app, socketio

app = create_app()
application = DebuggedApplication(app, evalex=True)  # expect: FC503


def main():
    socketio.run(app, host="0.0.0.0", debug=True)  # expect: FC503


def legacy():
    run_simple("0.0.0.0", 8000, app, use_reloader=True, use_debugger=True)  # expect: FC503
