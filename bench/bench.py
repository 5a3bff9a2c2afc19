#!/usr/bin/env python3
"""Measures session-broker against nginx on this machine and prints Markdown tables.

Started by bench/run.sh, which installs wrk and nginx and builds the release binary first.
Everything listens on 127.0.0.1 only and lives in one temporary directory, removed at the end.
"""

import argparse
import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"
# Set by --tokens: the broker accepts these, the loader sends the admin one and wrk the worker one.
TOKENS = {}
# As long as a typical lease answer, so that both servers write about the same bytes.
NGINX_BODY = ('{"_id":"b0000001","session":{"login":"bench-user-1","token":"'
              + "0" * 40 + '"},"last_use":"2026-01-01T00:00:00.000Z",'
              '"next_use":"2026-01-01T00:00:00.200Z","count_use":1}')


def log(message):
    print(message, file=sys.stderr, flush=True)


class Process:
    """A child process stopped at exit, whatever way the benchmark ends."""

    running = []

    def __init__(self, argv, **kwargs):
        self.started = time.monotonic()
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kwargs)
        Process.running.append(self)

    @property
    def pid(self):
        return self.popen.pid

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        if self in Process.running:
            Process.running.remove(self)

    @classmethod
    def stop_all(cls):
        for process in list(cls.running):
            process.stop()


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def proc_status(pid, key):
    """A figure from /proc/PID/status, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


def http_status(port, path):
    try:
        with socket.create_connection((HOST, port), timeout=2) as conn:
            conn.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
            return int(conn.recv(64)[9:12])
    except (OSError, ValueError):
        return None


def start_nginx(workdir):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = os.path.join(workdir, "nginx")
    os.makedirs(prefix)
    port = free_port()
    with open(os.path.join(HERE, "nginx.conf.template")) as template:
        conf = template.read()
    conf = conf.replace("@PREFIX@", prefix).replace("@PORT@", str(port)).replace("@BODY@", NGINX_BODY)
    conf_path = os.path.join(prefix, "nginx.conf")
    with open(conf_path, "w") as out:
        out.write(conf)
    process = Process([nginx, "-p", prefix, "-c", conf_path, "-e", os.path.join(prefix, "error.log")])
    deadline = time.monotonic() + 10
    while http_status(port, "/") != 200:
        if process.popen.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"nginx did not start; see {prefix}/error.log")
        time.sleep(0.02)
    return process, port


class Broker:
    """The broker on a SQLite file, started from an empty directory so no config/broker.json applies."""

    def __init__(self, binary, workdir, database, name):
        self.log_path = os.path.join(workdir, f"{name}.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("BROKER_")}
        # notice is the quietest level that still prints the "broker started" line with the port.
        env["LOG_LEVEL"] = "notice"
        if TOKENS:
            env["BROKER_TOKENS"] = ",".join(f"{role}:{token}" for role, token in TOKENS.items())
        with open(self.log_path, "w") as log_file:
            self.process = Process([binary, "serve", "--host", HOST, "--port", "0", "--sqlite", database],
                                   cwd=workdir, env=env, stdout=log_file, stderr=log_file)
        self.port = self._wait_for_port()
        while http_status(self.port, "/healthz") != 200:
            self._check_alive()
            time.sleep(0.001)
        self.startup_seconds = time.monotonic() - self.process.started

    def _check_alive(self):
        if self.process.popen.poll() is not None:
            sys.exit(f"the broker exited; its log:\n{open(self.log_path).read()}")

    def _wait_for_port(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(self.log_path) as log_file:
                found = re.search(r'msg="broker started" address=127\.0\.0\.1:(\d+)', log_file.read())
            if found:
                return int(found.group(1))
            self._check_alive()
            time.sleep(0.001)
        sys.exit("the broker did not log its address within 60 s")

    def memory(self, key="VmHWM"):
        return proc_status(self.process.pid, key)

    def complaints(self):
        with open(self.log_path) as log_file:
            # Without --tokens the broker warns that it runs open, which the benchmark does on purpose.
            return [line.rstrip() for line in log_file if re.search(r"level=(warning|error|critical)", line)
                    and "no access tokens are configured" not in line]

    def stop(self):
        self.process.stop()


def session_request(number, blocked):
    token = hashlib.sha1(b"%d" % number).hexdigest()
    hold = '"next_use": "2099-01-01T00:00:00Z", ' if blocked else ""
    body = (f'{{"_id": "b{number:07d}", {hold}"session": '
            f'{{"login": "bench-user-{number}", "token": "{token}"}}}}').encode()
    authorization = f"Authorization: Bearer {TOKENS['admin']}\r\n".encode() if TOKENS else b""
    return (b"POST /sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s"
            b"Content-Length: %d\r\n\r\n%s" % (authorization, len(body), body))


def read_statuses(conn, buffer, count):
    """Reads `count` responses off a pipelined connection; returns (status, body) pairs and the leftover bytes."""
    statuses, at = [], 0
    while len(statuses) < count:
        end = buffer.find(b"\r\n\r\n", at)
        if end >= 0:
            head = buffer[at:end].lower()
            length = re.search(rb"\r\ncontent-length: *(\d+)", head)
            body_end = end + 4 + (int(length.group(1)) if length else 0)
            if len(buffer) >= body_end:
                statuses.append((int(buffer[at + 9:at + 12]), buffer[end + 4:body_end]))
                at = body_end
                continue
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("the broker closed the connection while loading")
        buffer, at = buffer[at:] + chunk, 0
    return statuses, buffer[at:]


def load_sessions(port, count, blocked_share, connections=8, batch=200):
    """Creates sessions b0000001.. through the API, `batch` pipelined requests at a time per connection."""
    every = round(1 / (1 - blocked_share)) if blocked_share else 1
    failures = []

    def worker(first, last):
        try:
            with socket.create_connection((HOST, port)) as conn:
                buffer = b""
                for start in range(first, last, batch):
                    numbers = range(start, min(start + batch, last))
                    conn.sendall(b"".join(session_request(n, blocked_share > 0 and n % every != 0) for n in numbers))
                    statuses, buffer = read_statuses(conn, buffer, len(numbers))
                    bad = [s for s in statuses if s[0] != 201]
                    if bad:
                        raise RuntimeError(f"POST /sessions answered {bad[0][0]}: {bad[0][1][:200]!r}")
        except Exception as error:  # reported by the main thread
            failures.append(error)

    started = time.monotonic()
    share = -(-count // connections)
    threads = [threading.Thread(target=worker, args=(1 + i * share, 1 + min(count, (i + 1) * share)))
               for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"loading failed: {failures[0]}")
    return time.monotonic() - started


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def run_wrk(port, connections, duration, path="/", script=None):
    argv = ["wrk", "--latency", "-t1", f"-c{connections}", f"-d{duration}s"]
    if script:
        argv += ["-s", script]
    argv.append(f"http://{HOST}:{port}{path}")
    # lease-success.lua sends BROKER_TOKEN as a bearer token when it is set.
    env = dict(os.environ, BROKER_TOKEN=TOKENS.get("worker", ""))
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=True, env=env).stdout

    def number(pattern, default=None):
        found = re.search(pattern, out)
        if not found and default is None:
            sys.exit(f"unexpected wrk output:\n{out}")
        return float(found.group(1)) if found else default

    def latency(percent):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not found:
            sys.exit(f"unexpected wrk output:\n{out}")
        return float(found.group(1)) * UNITS[found.group(2)]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "p50": latency(50),
        "p99": latency(99),
        "non2xx": int(number(r"Non-2xx or 3xx responses: (\d+)", 0)),
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "status_429": int(number(r"status_429=(\d+)", 0)),
    }


class Results:
    def __init__(self):
        self.rows = {}  # (scenario, connections) -> list of wrk results
        self.memory = {}  # scenario -> broker VmHWM after it, MiB

    def add(self, scenario, connections, result):
        self.rows.setdefault((scenario, connections), []).append(result)

    def median(self, scenario, connections, key):
        runs = self.rows.get((scenario, connections))
        return statistics.median(r[key] for r in runs) if runs else None

    def total(self, scenario, connections, key):
        return sum(r[key] for r in self.rows.get((scenario, connections), []))

    def spread(self, scenario, connections):
        rates = [r["rps"] for r in self.rows[(scenario, connections)]]
        return (max(rates) - min(rates)) / statistics.median(rates)


def measure(results, scenario, port, args, **wrk_options):
    # An unrecorded run first: right after a bulk load the store is still checkpointing it into the
    # database file, which is start-up work, not the steady state the figures describe.
    if args.warmup > 0:
        run_wrk(port, max(args.connections), args.warmup, **wrk_options)
        log(f"  {scenario}: {args.warmup} s warm-up, not recorded")
    for connections in args.connections:
        for run in range(args.runs):
            result = run_wrk(port, connections, args.duration, **wrk_options)
            results.add(scenario, connections, result)
            log(f"  {scenario} c={connections} run {run + 1}: {result['rps']:,.0f} req/s, "
                f"p50 {fmt_ms(result['p50'])}, p99 {fmt_ms(result['p99'])}, non-2xx {result['non2xx']}")


def fmt_ms(ms):
    return f"{ms * 1000:.0f} µs" if ms < 1 else f"{ms:.2f} ms"


NGINX, HEALTHZ = "nginx, fixed body", "broker, GET /healthz"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True, help="the session-broker executable")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 5)),
                        help="seconds per wrk run (DURATION, default 5)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 3)), help="wrk runs per figure")
    parser.add_argument("--connections", type=lambda s: [int(c) for c in s.split(",")], default=[1, 16, 64, 256])
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("WARMUP", 3)),
                        help="seconds of unrecorded load before each lease scenario (WARMUP, default 3)")
    parser.add_argument("--small-pool", type=int, default=10_000)
    parser.add_argument("--large-pool", type=int, default=1_000_000)
    parser.add_argument("--blocked-share", type=float, default=0.9)
    parser.add_argument("--tokens", action="store_true",
                        help="configure a worker and an admin token; every request to a lease scenario carries one")
    return parser.parse_args()


def main():
    args = parse_args()
    if args.tokens:
        TOKENS.update(worker=secrets.token_urlsafe(32), admin=secrets.token_urlsafe(32))
    binary = os.path.abspath(args.binary)
    lua = os.path.join(HERE, "lease-success.lua")
    small_name = f"lease→success, {args.small_pool:,} sessions"
    large_name = f"lease→success, {args.large_pool:,} sessions, {args.blocked_share:.0%} blocked"
    workdir = tempfile.mkdtemp(prefix="broker-bench-")
    results, facts, complaints = Results(), [], []
    loadavg_before = open("/proc/loadavg").read().split()[:3]
    try:
        log(f"nginx and broker on {HOST}, temp dir {workdir}, {args.runs} × {args.duration} s per figure"
            + (", with access tokens" if TOKENS else ""))
        nginx, nginx_port = start_nginx(workdir)

        broker = Broker(binary, workdir, os.path.join(workdir, "small.sqlite3"), "broker-small")
        facts.append(("start-up, empty store (exec → first 200 on /healthz)", fmt_s(broker.startup_seconds)))
        log("scenario a: the HTTP layer, nginx and /healthz in turn")
        for connections in args.connections:
            for run in range(args.runs):
                for scenario, port, path in ((NGINX, nginx_port, "/"), (HEALTHZ, broker.port, "/healthz")):
                    result = run_wrk(port, connections, args.duration, path=path)
                    results.add(scenario, connections, result)
                    log(f"  {scenario} c={connections} run {run + 1}: {result['rps']:,.0f} req/s, "
                        f"p99 {fmt_ms(result['p99'])}")
        results.memory[HEALTHZ] = broker.memory()
        nginx.stop()

        log(f"scenario b: loading {args.small_pool:,} sessions")
        seconds = load_sessions(broker.port, args.small_pool, 0)
        facts.append((f"load {args.small_pool:,} sessions through the API", fmt_load(seconds, args.small_pool)))
        measure(results, small_name, broker.port, args, path="/", script=lua)
        results.memory[small_name] = broker.memory()
        complaints += broker.complaints()
        broker.stop()

        large_db = os.path.join(workdir, "large.sqlite3")
        broker = Broker(binary, workdir, large_db, "broker-large")
        log(f"scenario c: loading {args.large_pool:,} sessions, {args.blocked_share:.0%} blocked")
        seconds = load_sessions(broker.port, args.large_pool, args.blocked_share)
        facts.append((f"load {args.large_pool:,} sessions ({args.blocked_share:.0%} blocked) through the API",
                      fmt_load(seconds, args.large_pool)))
        measure(results, large_name, broker.port, args, path="/", script=lua)
        results.memory[large_name] = broker.memory()
        complaints += broker.complaints()
        broker.stop()

        log(f"scenario d: restarting on {args.large_pool:,} sessions")
        broker = Broker(binary, workdir, large_db, "broker-restart")
        facts.append((f"start-up with {args.large_pool:,} sessions (exec → first 200 on /healthz)",
                      fmt_s(broker.startup_seconds)))
        facts.append(("resident memory after that start-up (VmRSS / VmHWM)",
                      f"{broker.memory('VmRSS'):.1f} MiB / {broker.memory():.1f} MiB"))
        size = sum(os.path.getsize(p) for p in (large_db, large_db + "-wal") if os.path.exists(p))
        facts.append((f"database file with {args.large_pool:,} sessions (with WAL)", f"{size / 2**20:.0f} MiB"))
        complaints += broker.complaints()
        broker.stop()
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        Process.stop_all()
        shutil.rmtree(workdir, ignore_errors=True)

    loadavg_after = open("/proc/loadavg").read().split()[:3]
    report(results, facts, args, NGINX, HEALTHZ, small_name, large_name)
    print(f"\nLoad average before / after: {' '.join(loadavg_before)} / {' '.join(loadavg_after)} "
          f"({os.cpu_count()} CPUs); spread is (max − min) / median of the runs' req/s.")
    if complaints:
        print(f"\nThe broker logged {len(complaints)} warnings or errors, first ones:")
        for line in complaints[:5]:
            print(f"    {line}")


def fmt_s(seconds):
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def fmt_load(seconds, count):
    return f"{fmt_s(seconds)} ({count / seconds:,.0f} sessions/s)"


def report(results, facts, args, nginx, healthz, small, large):
    small_pool = args.small_pool
    print(f"\n### session-broker vs nginx (wrk -t1, medians of {args.runs} × {args.duration} s runs)\n")
    print("| scenario | conns | req/s | spread | p50 | p99 | ×nginx req/s | non-2xx | broker VmHWM |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for scenario in (nginx, healthz, small, large):
        for c in args.connections:
            rps = results.median(scenario, c, "rps")
            if rps is None:
                continue
            base = results.median(nginx, c, "rps")
            ratio = "—" if scenario == nginx else f"{rps / base:.2f}"
            if scenario == large:
                ratio += f" ({rps / results.median(small, c, 'rps'):.2f} × {small_pool:,})"
            bad = results.total(scenario, c, "non2xx")
            errors = results.total(scenario, c, "socket_errors")
            status_429 = results.total(scenario, c, "status_429")
            bad_text = f"{bad}" + (f" ({status_429} × 429)" if status_429 else "") + \
                (f", {errors} socket errors" if errors else "")
            memory = f"{results.memory[scenario]:.1f} MiB" if scenario in results.memory else "—"
            print(f"| {scenario} | {c} | {rps:,.0f} | {results.spread(scenario, c):.0%} | "
                  f"{fmt_ms(results.median(scenario, c, 'p50'))} | {fmt_ms(results.median(scenario, c, 'p99'))} | "
                  f"{ratio} | {bad_text} | {memory} |")
    print("\n| measurement | result |\n|---|--:|")
    for name, value in facts:
        print(f"| {name} | {value} |")

    print("\n### Targets (at 64 connections)\n")
    if 64 not in args.connections:
        print("not measured: 64 is not among the connection counts")
        return

    def med(scenario, key):
        return results.median(scenario, 64, key)

    checks = [
        ("/healthz ≥ 0.9 × nginx req/s", med(healthz, "rps") / med(nginx, "rps"), 0.9, ">="),
        ("lease→success ≥ 0.4 × nginx req/s", med(small, "rps") / med(nginx, "rps"), 0.4, ">="),
        ("1M-90%-blocked ≥ 0.8 × 10k lease→success req/s", med(large, "rps") / med(small, "rps"), 0.8, ">="),
        ("broker /healthz p99 ≤ 3 × nginx p99", med(healthz, "p99") / med(nginx, "p99"), 3, "<="),
    ]
    for name, measured, bound, op in checks:
        met = measured >= bound if op == ">=" else measured <= bound
        print(f"- {'met' if met else 'MISSED'}: {name} — measured {measured:.2f}×")
    print(f"  (lease→success p99 at 64: {fmt_ms(med(small, 'p99'))}, "
          f"{med(small, 'p99') / med(nginx, 'p99'):.1f} × nginx's {fmt_ms(med(nginx, 'p99'))})")


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    main()
