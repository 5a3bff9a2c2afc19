"""Leases sessions the way the seed library's workers do, for running beside the broker in tests.

Each lease is one find_one_and_update: the least recently used document that is not switched off
and not blocked gets last_use = now, next_use = now + delay and count_use + 1. When nothing is
available it polls again shortly after, as the seed does, and gives up after --timeout seconds.
It prints one JSON line per lease, {"id": ..., "last_use": ..., "next_use": ...}, and exits 0
after --leases leases, or 1 when it gives up.

Usage: .venv-mongo/bin/python scripts/seed-worker.py --url URL --database DB --collection C
           --leases N --delay SECONDS
"""

import argparse
import json
import sys
import time
from datetime import datetime, timedelta, timezone

from pymongo import MongoClient, ReturnDocument

POLL_INTERVAL = 0.05


def parse_arguments():
    parser = argparse.ArgumentParser(description="Leases sessions like an old seed-library worker.")
    parser.add_argument("--url", required=True, help="MongoDB connection string")
    parser.add_argument("--database", required=True)
    parser.add_argument("--collection", required=True)
    parser.add_argument("--leases", type=int, required=True, help="how many leases to take before exiting")
    parser.add_argument("--delay", type=float, required=True, help="seconds a leased session stays blocked")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to keep trying in all")
    parser.add_argument("--active-field", default="active")
    parser.add_argument("--last-use-field", default="last_use")
    parser.add_argument("--next-use-field", default="next_use")
    parser.add_argument("--count-use-field", default="count_use")
    return parser.parse_args()


def now_in_milliseconds():
    """The current UTC time truncated to what a BSON date holds."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def rfc3339(moment):
    """RFC 3339 text with milliseconds and Z; pymongo returns naive UTC datetimes by default."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def lease(collection, arguments):
    """Takes one session, or returns None when none is available now."""
    now = now_in_milliseconds()
    next_use = arguments.next_use_field
    return collection.find_one_and_update(
        {
            arguments.active_field: {"$ne": False},
            "$or": [{next_use: None}, {next_use: {"$lte": now}}],
        },
        {
            "$set": {arguments.last_use_field: now, next_use: now + timedelta(seconds=arguments.delay)},
            "$inc": {arguments.count_use_field: 1},
        },
        sort=[(arguments.last_use_field, 1)],
        return_document=ReturnDocument.AFTER,
    )


def main():
    arguments = parse_arguments()
    client = MongoClient(arguments.url, serverSelectionTimeoutMS=10_000)
    collection = client[arguments.database][arguments.collection]
    deadline = time.monotonic() + arguments.timeout

    try:
        taken = 0
        while taken < arguments.leases:
            document = lease(collection, arguments)
            if document is None:
                if time.monotonic() >= deadline:
                    print(f"seed-worker: only {taken} of {arguments.leases} leases in time", file=sys.stderr)
                    return 1
                time.sleep(POLL_INTERVAL)
                continue

            line = {
                "id": str(document["_id"]),
                "last_use": rfc3339(document.get(arguments.last_use_field)),
                "next_use": rfc3339(document.get(arguments.next_use_field)),
            }
            print(json.dumps(line), flush=True)
            taken += 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
