#!/usr/bin/env python3
"""Checks worker logs for sessions handed out twice within their cooldown.

Each log line, as written by worker.sh, is tab-separated:

    worker-name    session-id    last_use    next_use

where last_use and next_use are the RFC 3339 times the broker returned with the
lease. A lease holds its session from last_use until next_use, so for every
session, ordered by last_use, each lease must start no earlier than every
earlier lease of that session ends. Both times come from the broker's clock, so
the check does not depend on the workers' clocks agreeing.

Exit status: 0 when no violation was found, 1 when at least one was, 2 when the
logs could not be read or held malformed lines (the check is then incomplete).
"""

import argparse
import datetime
import os
import re
import sys
from collections import defaultdict
from typing import NamedTuple

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


class Lease(NamedTuple):
    worker: str
    session: str
    last_use: datetime.datetime
    next_use: datetime.datetime
    source: str  # "file:line", to find the lease again in the logs
    last_text: str
    next_text: str


def parse_time(text: str) -> datetime.datetime:
    """Parses an RFC 3339 time with a zone, without relying on a recent fromisoformat."""
    match = RFC3339.match(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 time with a zone: {text!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, zone_h, zone_m = match.groups()
    microseconds = int((fraction or "0")[:6].ljust(6, "0"))
    if zulu:
        zone = datetime.timezone.utc
    else:
        offset = datetime.timedelta(hours=int(zone_h), minutes=int(zone_m))
        zone = datetime.timezone(-offset if sign == "-" else offset)
    return datetime.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), microseconds, tzinfo=zone
    )


def log_files(paths):
    """Expands directories to the *.log files inside them."""
    for path in paths:
        if os.path.isdir(path):
            yield from sorted(
                os.path.join(path, name) for name in os.listdir(path) if name.endswith(".log")
            )
        else:
            yield path


def read_leases(paths, problems):
    leases = []
    for path in log_files(paths):
        try:
            with open(path, encoding="utf-8") as log:
                for number, raw in enumerate(log, start=1):
                    line = raw.rstrip("\r\n")
                    if not line.strip() or line.startswith("#"):
                        continue
                    source = f"{path}:{number}"
                    fields = line.split("\t")
                    if len(fields) != 4:
                        problems.append(f"{source}: expected 4 tab-separated fields, found {len(fields)}")
                        continue
                    worker, session, last_text, next_text = fields
                    try:
                        last_use, next_use = parse_time(last_text), parse_time(next_text)
                    except ValueError as error:
                        problems.append(f"{source}: {error}")
                        continue
                    leases.append(Lease(worker, session, last_use, next_use, source, last_text, next_text))
        except OSError as error:
            problems.append(f"{path}: {error.strerror}")
    return leases


def find_violations(leases):
    """Returns (later lease, earlier lease it overlaps) pairs.

    Each lease is compared with the earlier lease of its session that ends last, not only the
    one just before it: a long hold followed by two short ones must flag both of them.
    """
    by_session = defaultdict(list)
    for lease in leases:
        by_session[lease.session].append(lease)

    violations = []
    for session_leases in by_session.values():
        session_leases.sort(key=lambda lease: (lease.last_use, lease.next_use))
        holder = session_leases[0]
        for lease in session_leases[1:]:
            if lease.last_use < holder.next_use:
                violations.append((lease, holder))
            if lease.next_use > holder.next_use:
                holder = lease
    violations.sort(key=lambda pair: pair[0].last_use)
    return by_session, violations


def describe(lease):
    return f"{lease.worker} {lease.last_text} .. {lease.next_text} ({lease.source})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("logs", nargs="+", help="worker log files, or directories holding *.log files")
    parser.add_argument("--show", type=int, default=5, metavar="N", help="violations to print (default 5)")
    arguments = parser.parse_args()

    problems = []
    leases = read_leases(arguments.logs, problems)
    by_session, violations = find_violations(leases)
    workers = {lease.worker for lease in leases}
    uncheckable = sum(1 for lease in leases if lease.next_use <= lease.last_use)

    print(f"total leases:      {len(leases)}")
    print(f"distinct sessions: {len(by_session)}")
    print(f"workers:           {len(workers)}")
    if by_session:
        busiest = max(len(session_leases) for session_leases in by_session.values())
        print(f"leases per session: {len(leases) / len(by_session):.1f} on average, {busiest} at most")
    print(f"violations:        {len(violations)}")
    for lease, holder in violations[: max(arguments.show, 0)]:
        print(f"  session {lease.session}: leased to {describe(lease)}")
        print(f"    while held by {describe(holder)}")
    if len(violations) > arguments.show > 0:
        print(f"  ... and {len(violations) - arguments.show} more")

    if uncheckable:
        # With a zero next_use_delay a lease holds nothing, so overlaps cannot show up.
        print(f"note: {uncheckable} leases had next_use <= last_use and prove nothing", file=sys.stderr)
    for problem in problems[:10]:
        print(f"unreadable: {problem}", file=sys.stderr)
    if len(problems) > 10:
        print(f"unreadable: ... and {len(problems) - 10} more", file=sys.stderr)

    if violations:
        return 1
    if problems:
        return 2
    if not leases:
        print("no leases found in the logs; nothing was checked", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
