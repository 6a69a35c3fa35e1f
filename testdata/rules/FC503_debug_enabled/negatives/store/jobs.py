import logging
import os

log = logging.getLogger(__name__)


class Parser:
    debug = False


async def main():
    parser = Parser()
    # ok: not an application
    parser.debug = True
    # ok: turns debug mode off
    os.environ["FLASK_DEBUG"] = "0"
    log.debug("jobs started")
