"""Serves a MongoDB-compatible server (mongoeco) on 127.0.0.1 for the test suite.

Once it accepts connections it prints exactly one line, mongodb://127.0.0.1:PORT, to stdout. It
serves until SIGTERM or SIGINT, or until its stdin reaches end of file, so that it stops with the
process that started it; then it closes its listener and its storage and exits 0.

Usage: .venv-mongo/bin/python scripts/mongo-test-server.py [--port N] [--data FILE] [--ignore-stdin]
"""

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading


def parse_arguments():
    parser = argparse.ArgumentParser(description="Serves mongoeco on 127.0.0.1 until stopped.")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 (the default) picks a free one")
    parser.add_argument("--data", metavar="FILE", help="SQLite file that keeps the data across restarts")
    parser.add_argument(
        "--ignore-stdin",
        action="store_true",
        help="keep serving when stdin reaches end of file (for running it by hand in the background)",
    )
    return parser.parse_args()


def watch_stdin(loop, stopped):
    """Sets `stopped` once stdin reaches end of file, that is once the parent has gone."""

    def read_until_eof():
        try:
            while os.read(0, 4096):
                pass
        except (OSError, ValueError):
            pass
        loop.call_soon_threadsafe(stopped.set)

    threading.Thread(target=read_until_eof, name="stdin-watch", daemon=True).start()


async def serve(arguments):
    from mongoeco.wire import AsyncMongoEcoProxyServer

    engine = None
    if arguments.data:
        from mongoeco.engines.sqlite import SQLiteEngine

        engine = SQLiteEngine(arguments.data)
    server = AsyncMongoEcoProxyServer(host="127.0.0.1", port=arguments.port, engine=engine)

    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stopped.set)
    if not arguments.ignore_stdin:
        watch_stdin(loop, stopped)

    try:
        address = await server.start()
    except OSError as error:
        print(f"mongo-test-server: cannot listen on 127.0.0.1:{arguments.port}: {error}", file=sys.stderr)
        return 1
    print(f"mongodb://127.0.0.1:{address.port}", flush=True)

    await stopped.wait()
    try:
        # Closing the SQLite engine can wait on its own lock for seconds; the data is committed
        # already, so a stop that takes longer is cut short like a crash of the server would be.
        await asyncio.wait_for(server.close(), timeout=1)
    except Exception as error:
        print(f"mongo-test-server: stopped without a clean close: {type(error).__name__}", file=sys.stderr)
    return 0


def main():
    arguments = parse_arguments()
    # Log records that mongoeco emits while its storage closes are not worth a traceback each.
    logging.raiseExceptions = False
    try:
        status = asyncio.run(serve(arguments))
    except KeyboardInterrupt:
        status = 0
    sys.stdout.flush()
    sys.stderr.flush()
    # Leftover storage threads must not hold the exit.
    os._exit(status)


if __name__ == "__main__":
    main()
