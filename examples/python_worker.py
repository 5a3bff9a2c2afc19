#!/usr/bin/env python3
"""A worker in Python with the standard library only: lease a session, use it, report how it went.

    examples/python_worker.py [--name NAME] [--pool NAME] [--delay SECONDS] [--duration SECONDS]
                              [--leases N] [--log FILE] [--filter JSON] [--work-time SECONDS]
                              [--lock-period SECONDS] [--block-period SECONDS]

Environment: BROKER_URL (default http://127.0.0.1:8080) and BROKER_TOKEN, sent as
`Authorization: Bearer ...` when set (a token of the worker or admin role).

Each lease is logged as one tab-separated line, as examples/worker.sh writes them, so that
examples/check-leases.py can check the logs of both kinds of worker together: worker name,
session _id, last_use and next_use. When no session is free the broker answers 429 and the worker
sleeps for Retry-After; on 502, 503, 504 or a failed connection it backs off (1, 2, 4 ... 16 s,
or the Retry-After the broker sent). Ctrl-C or SIGTERM stops it at once: a session it was using
is not reported and comes back by itself when its hold (next_use) ends.

Exit status: 0 when the duration or the number of leases is reached, 2 on a usage error or when
the broker refuses the lease request itself (wrong token, pool or filter), 130 after Ctrl-C,
143 after SIGTERM.
"""

import argparse
import json
import os
import random
import signal
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SUCCESS, LOCK, BLOCK = "success", "lock", "block"
TRANSIENT_STATUSES = {502, 503, 504}
REQUEST_TIMEOUT = 10
MAX_BACKOFF = 16


class Stopped(Exception):
    """Raised by the SIGTERM handler, as KeyboardInterrupt is by Ctrl-C."""


class Answer:
    """One HTTP answer: status (0 when the broker could not be reached), headers and parsed body."""

    def __init__(self, status, headers=None, body=b"", reason=""):
        self.status = status
        self.headers = headers or {}
        self.reason = reason
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None
        self.text = body.decode("utf-8", "replace").strip()

    def retry_after(self):
        """Seconds from the Retry-After header, or None when there is none."""
        value = self.headers.get("Retry-After")
        if value is None or not value.strip().isdigit():
            return None
        return int(value.strip())

    def describe(self):
        if self.status == 0:
            return f"no answer ({self.reason})"
        return f"HTTP {self.status} {self.text}"


class Broker:
    """The broker's session routes for one pool, with the bearer token on every request."""

    def __init__(self, url, pool, token):
        base = url.rstrip("/")
        if pool:
            base = f"{base}/pools/{urllib.parse.quote(pool, safe='')}"
        self.sessions = f"{base}/sessions"
        self.token = token

    def post(self, path, body=None):
        data = None
        headers = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.sessions + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except OSError:
                body = b""
            finally:
                error.close()
            return Answer(error.code, error.headers, body)
        except (urllib.error.URLError, OSError) as error:
            return Answer(0, reason=str(getattr(error, "reason", error)))

    def lease(self, body):
        return self.post("/lease", body)

    def report(self, session_id, outcome, body):
        return self.post(f"/{urllib.parse.quote(session_id, safe='')}/{outcome}", body)


def use(session, work_time):
    """Does the work with one leased session and says how it went: SUCCESS, LOCK or BLOCK.

    A real worker signs in with session["session"] here and returns LOCK when the source
    rate-limits it for a while, BLOCK when the source bans it for longer. This one pauses for a
    fifth of work_time to work_time seconds and draws the outcome: mostly success, some locks,
    a few blocks.
    """
    time.sleep(random.uniform(work_time / 5, work_time))
    roll = random.randrange(100)
    if roll < 2:
        return BLOCK
    if roll < 10:
        return LOCK
    return SUCCESS


class Worker:
    def __init__(self, arguments, broker, log):
        self.arguments = arguments
        self.broker = broker
        self.log = log
        self.deadline = None if arguments.duration is None else time.monotonic() + arguments.duration
        self.backoff = 1
        self.counts = {"leases": 0, SUCCESS: 0, LOCK: 0, BLOCK: 0, "empty": 0, "failures": 0}
        self.lease_body = {}
        if arguments.delay is not None:
            self.lease_body["next_use_delay"] = arguments.delay
        if arguments.filter is not None:
            self.lease_body["filter"] = arguments.filter

    def say(self, message):
        print(f"{self.arguments.name}: {message}", file=sys.stderr, flush=True)

    def summary(self):
        c = self.counts
        return (
            f"{c['leases']} leases ({c[SUCCESS]} success, {c[LOCK]} lock, {c[BLOCK]} block), "
            f"{c['empty']} times no session, {c['failures']} failed requests"
        )

    def remaining(self):
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def done(self):
        enough = self.arguments.leases is not None and self.counts["leases"] >= self.arguments.leases
        return enough or self.remaining() <= 0

    def sleep(self, seconds):
        """Sleeps for seconds, or until the deadline if that comes first."""
        time.sleep(max(0.0, min(seconds, self.remaining())))

    def back_off(self, answer):
        wait = answer.retry_after() or self.backoff
        self.say(f"{answer.describe()}; retrying in {wait} s")
        self.sleep(wait)
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def run(self):
        """Leases, uses and reports until done; returns the exit status."""
        self.say(f"leasing from {self.broker.sessions}/lease")
        while not self.done():
            answer = self.broker.lease(self.lease_body or None)
            if answer.status == 200 and isinstance(answer.json, dict) and isinstance(answer.json.get("_id"), str):
                self.backoff = 1
                self.handle(answer.json)
            elif answer.status == 429:
                self.counts["empty"] += 1
                # Without Retry-After no session comes back by itself (all switched off, or none
                # match the filter): poll slowly in case an operator adds or activates some.
                wait = answer.retry_after()
                self.sleep(30 if wait is None else wait)
            elif answer.status == 0 or answer.status in TRANSIENT_STATUSES:
                self.counts["failures"] += 1
                self.back_off(answer)
            elif answer.status in (400, 401, 403, 404, 405, 415):
                self.counts["failures"] += 1
                self.say(f"lease refused: {answer.describe()}")
                return 2
            else:
                self.counts["failures"] += 1
                self.back_off(answer)
        return 0

    def handle(self, document):
        session_id = document["_id"]
        self.counts["leases"] += 1
        fields = [self.arguments.name, session_id, document.get("last_use") or "-", document.get("next_use") or "-"]
        print("\t".join(str(field) for field in fields), file=self.log, flush=True)

        outcome = use(document, self.arguments.work_time)
        self.counts[outcome] += 1
        body = None
        period = {LOCK: self.arguments.lock_period, BLOCK: self.arguments.block_period}.get(outcome)
        if period is not None:
            body = {"period": period}
        self.report(session_id, outcome, body)

    def report(self, session_id, outcome, body):
        """Reports the outcome, trying again a few times while the broker is unreachable or busy."""
        for attempt in range(4):
            answer = self.broker.report(session_id, outcome, body)
            if answer.status == 200:
                return
            if answer.status == 404:
                # Someone deleted the session while it was in use: the lease is simply over.
                self.say(f"{outcome} of {session_id}: session is gone")
                return
            if (answer.status != 0 and answer.status not in TRANSIENT_STATUSES) or attempt == 3:
                break
            self.sleep(answer.retry_after() or 2**attempt)
        self.counts["failures"] += 1
        self.say(f"{outcome} of {session_id} failed: {answer.describe()}")


def seconds(text):
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be a non-negative number of seconds")
    return value


def positive_integer(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def json_object(text):
    try:
        value = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}")
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def parse_arguments():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--name", default=f"py-worker-{os.getpid()}", help="worker name written to the log (default: py-worker-PID)")
    add("--pool", help="lease from /pools/NAME/sessions instead of the default pool")
    add("--delay", type=seconds, help="next_use_delay sent with each lease (default: the pool's own)")
    add("--duration", type=seconds, help="stop after this many seconds (default: run until interrupted)")
    add("--leases", type=positive_integer, help="stop after this many leases")
    add("--log", help="append one line per lease to this file (default: standard output)")
    add("--filter", type=json_object, help="""lease filter, e.g. '{"session.region": "eu"}'""")
    add("--work-time", type=seconds, default=0.5, help="longest pause that stands for the work (default 0.5)")
    add("--lock-period", type=seconds, help="period sent with lock reports (default: the pool's lock_time)")
    add("--block-period", type=seconds, help="period sent with block reports (default: the pool's block_time)")
    arguments = parser.parse_args()
    if not arguments.name or any(character.isspace() for character in arguments.name):
        parser.error("--name must be non-empty and without whitespace")
    return arguments


def raise_stopped(signal_number, frame):
    raise Stopped()


def main():
    arguments = parse_arguments()
    broker = Broker(os.environ.get("BROKER_URL") or "http://127.0.0.1:8080", arguments.pool,
                    os.environ.get("BROKER_TOKEN"))
    # Ctrl-C and SIGTERM stop the worker however it was started: a shell ignores SIGINT in background jobs, and
    # some supervisors start their children with signals blocked.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, raise_stopped)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    log = open(arguments.log, "a", encoding="utf-8") if arguments.log else sys.stdout
    worker = Worker(arguments, broker, log)
    status = 0
    try:
        status = worker.run()
    except KeyboardInterrupt:
        status = 130
    except Stopped:
        status = 143
    finally:
        if log is not sys.stdout:
            log.close()
    worker.say(worker.summary())
    return status


if __name__ == "__main__":
    sys.exit(main())
