#!/usr/bin/env bash
# Runs several worker.sh processes against one broker, then checks their logs for double leases.
#
#   examples/run-workers.sh [--workers N] [--duration SECONDS] [--log-dir DIR] [--pool NAME]
#                           [--delay SECONDS] [--filter JSON]
#                           [--lock-period SECONDS] [--block-period SECONDS]
#
#   --workers N             number of workers (default 8)
#   --duration SECONDS      how long they run (default 30)
#   --log-dir DIR           where the worker logs go (default: a new temporary directory, kept)
#   --pool, --delay, --filter
#                           passed to every worker (see worker.sh --help)
#   --lock-period SECONDS   lock period the workers report (default 5)
#   --block-period SECONDS  block period the workers report (default 20)
#                           short, so that a demo run does not take the pool out for hours
#
# BROKER_URL (default http://127.0.0.1:8080) and BROKER_TOKEN are passed to the workers.
# Exit status: that of check-leases.py (0 clean, 1 violations, 2 incomplete), or 2 when the
# broker is unreachable or a worker failed.
set -euo pipefail

usage() {
    sed -n '2,19s/^# \{0,1\}//p' "$0"
}

die() {
    printf 'run-workers: %s\n' "$*" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
export BROKER_URL=${BROKER_URL:-http://127.0.0.1:8080}
workers=8
duration=30
log_dir=""
lock_period=5
block_period=20
passthrough=()

while (($#)); do
    (($# >= 2)) || [[ $1 == -h || $1 == --help ]] || die "$1 needs a value (try --help)"
    case $1 in
        --workers) workers=$2 ;;
        --duration) duration=$2 ;;
        --log-dir) log_dir=$2 ;;
        --lock-period) lock_period=$2 ;;
        --block-period) block_period=$2 ;;
        --pool | --delay | --filter) passthrough+=("$1" "$2") ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option: $1 (try --help)" ;;
    esac
    shift 2
done

if ! [[ $workers =~ ^[1-9][0-9]*$ ]] || ((workers > 200)); then
    die "--workers must be between 1 and 200"
fi
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "--duration must be a positive whole number of seconds"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required for the check"

curl_args=(--silent --show-error --max-time 5)
[[ -z ${BROKER_TOKEN:-} ]] || curl_args+=(-H "Authorization: Bearer $BROKER_TOKEN")

# Failing here is clearer than eight workers each reporting the same refused connection.
curl "${curl_args[@]}" --fail --output /dev/null "$BROKER_URL/healthz" ||
    die "broker not reachable at $BROKER_URL (start it with 'make run' in the repository root)"

count_path=/sessions/count
for ((i = 0; i < ${#passthrough[@]}; i += 2)); do
    [[ ${passthrough[i]} != --pool ]] || count_path="/pools/${passthrough[i + 1]}/sessions/count"
done
if available=$(curl "${curl_args[@]}" --fail "$BROKER_URL$count_path" 2>/dev/null); then
    printf 'sessions available now: %s\n' "$(printf '%s' "$available" | tr -dc '0-9')"
fi

if [[ -z $log_dir ]]; then
    log_dir=$(mktemp -d "${TMPDIR:-/tmp}/broker-workers.XXXXXX")
else
    mkdir -p "$log_dir"
fi
# Logs of an earlier run would be checked as if they were part of this one.
rm -f "$log_dir"/worker-*.log

pids=()

# shellcheck disable=SC2317  # called from traps, which shellcheck does not follow
stop_workers() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    pids=()
}

# shellcheck disable=SC2317
on_interrupt() {
    trap - INT TERM
    printf '\nrun-workers: interrupted; stopping the workers\n' >&2
    stop_workers
    printf 'run-workers: partial logs in %s\n' "$log_dir" >&2
    exit 130
}
trap on_interrupt INT TERM
trap stop_workers EXIT

printf 'starting %d workers for %d s against %s; logs in %s\n' "$workers" "$duration" "$BROKER_URL" "$log_dir"
for ((n = 1; n <= workers; n++)); do
    name=$(printf 'worker-%02d' "$n")
    "$here/worker.sh" --name "$name" --duration "$duration" --log "$log_dir/$name.log" \
        --lock-period "$lock_period" --block-period "$block_period" ${passthrough[@]+"${passthrough[@]}"} &
    pids+=("$!")
done

# A worker finishes its current lease and report after the deadline; curl gives up after 10 s,
# so anything still running well past that is stuck and gets stopped.
grace=20
limit=$((SECONDS + duration + grace))
while ((SECONDS < limit)); do
    running=0
    for pid in "${pids[@]}"; do
        ! kill -0 "$pid" 2>/dev/null || running=$((running + 1))
    done
    ((running > 0)) || break
    sleep 1
done

failed=0
for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
        printf 'run-workers: worker %s still running %d s after the deadline; stopping it\n' "$pid" "$grace" >&2
        kill "$pid" 2>/dev/null || true
        failed=1
    fi
    status=0
    wait "$pid" || status=$?
    ((status == 0)) || failed=1
done
pids=()

echo
check=0
python3 "$here/check-leases.py" "$log_dir" || check=$?
((check != 0 || failed == 0)) || {
    printf 'run-workers: some workers failed (see their messages above)\n' >&2
    check=2
}
exit "$check"
