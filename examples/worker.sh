#!/usr/bin/env bash
# A shell worker: lease a session, "work" with it, report the outcome, repeat.
#
#   examples/worker.sh [--name NAME] [--pool NAME] [--delay SECONDS] [--duration SECONDS]
#                      [--log FILE] [--filter JSON] [--lock-period SECONDS] [--block-period SECONDS]
#
#   --name NAME            worker name written to the log (default: worker-PID)
#   --pool NAME            lease from /pools/NAME/sessions instead of the default pool
#   --delay SECONDS        next_use_delay sent with each lease (default: the pool's own)
#   --duration SECONDS     stop after this long (default: run until interrupted)
#   --log FILE             append one line per lease to FILE (default: standard output):
#                          name, _id, last_use, next_use, tab-separated
#   --filter JSON          lease filter, e.g. '{"session.region": "eu"}'
#   --lock-period SECONDS  period sent with lock reports (default: the pool's lock_time)
#   --block-period SECONDS period sent with block reports (default: the pool's block_time)
#
# Environment: BROKER_URL (default http://127.0.0.1:8080), BROKER_TOKEN (bearer token, if the
# broker requires one). Most leases end in success; some in lock, a few in block.
set -euo pipefail

usage() {
    sed -n '2,19s/^# \{0,1\}//p' "$0"
}

die() {
    printf '%s: %s\n' "${name:-worker}" "$*" >&2
    exit 2
}

is_seconds() {
    [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]
}

broker_url=${BROKER_URL:-http://127.0.0.1:8080}
broker_url=${broker_url%/}
name="worker-$$"
pool=""
delay=""
duration=""
log_file=""
filter=""
lock_period=""
block_period=""

while (($#)); do
    (($# >= 2)) || [[ $1 == -h || $1 == --help ]] || die "$1 needs a value (try --help)"
    case $1 in
        --name) name=$2 ;;
        --pool) pool=$2 ;;
        --delay) delay=$2 ;;
        --duration) duration=$2 ;;
        --log) log_file=$2 ;;
        --filter) filter=$2 ;;
        --lock-period) lock_period=$2 ;;
        --block-period) block_period=$2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown option: $1 (try --help)" ;;
    esac
    shift 2
done

# The name ends up in a tab-separated log, so it must not break the columns.
[[ -n $name && $name != *[[:space:]]* ]] || die "--name must be non-empty and without whitespace"
[[ -z $pool || $pool =~ ^[A-Za-z0-9._-]+$ ]] || die "--pool must be letters, digits, '.', '_' or '-'"
[[ -z $delay ]] || is_seconds "$delay" || die "--delay must be a non-negative number of seconds"
[[ -z $duration ]] || [[ $duration =~ ^[0-9]+$ ]] || die "--duration must be a whole number of seconds"
[[ -z $lock_period ]] || is_seconds "$lock_period" || die "--lock-period must be a non-negative number"
[[ -z $block_period ]] || is_seconds "$block_period" || die "--block-period must be a non-negative number"
# Checked by the broker too; catching the obvious mistake here gives a clearer message.
[[ -z $filter || $filter =~ ^[[:space:]]*\{.*\}[[:space:]]*$ ]] || die "--filter must be a JSON object"
command -v curl >/dev/null || die "curl is required"

base="$broker_url/sessions"
[[ -z $pool ]] || base="$broker_url/pools/$pool/sessions"

lease_body=""
[[ -z $delay ]] || lease_body="\"next_use_delay\": $delay"
[[ -z $filter ]] || lease_body="${lease_body:+$lease_body, }\"filter\": $filter"
[[ -z $lease_body ]] || lease_body="{$lease_body}"

if [[ -n $log_file ]]; then
    exec 3>>"$log_file" || die "cannot write $log_file"
else
    exec 3>&1
fi

work_dir=$(mktemp -d)
child=""
leases=0 successes=0 locks=0 blocks=0 empty=0 failures=0

summary() {
    printf '%s: %d leases (%d success, %d lock, %d block), %d times no session, %d failed requests\n' \
        "$name" "$leases" "$successes" "$locks" "$blocks" "$empty" "$failures" >&2
}

finish() {
    local status=$1
    trap - INT TERM EXIT
    # The child is a sleep or a curl started by this worker; stopping it lets the worker exit at once.
    if [[ -n $child ]]; then
        kill "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    rm -rf "$work_dir"
    summary
    exit "$status"
}
trap 'finish $?' EXIT
trap 'finish 130' INT
trap 'finish 143' TERM

# Children run in the background and are waited for, because bash runs a trap only once a
# foreground child has finished: a worker sleeping out a long Retry-After would ignore Ctrl-C.
run_child() {
    "$@" &
    child=$!
    local status=0
    wait "$child" || status=$?
    child=""
    return "$status"
}

nap() {
    run_child sleep "$1"
}

remaining() {
    if [[ -z $duration ]]; then
        echo 86400
    else
        echo $((deadline - SECONDS))
    fi
}

# Sleeps for $1 seconds, or until the deadline if that comes first.
nap_bounded() {
    local seconds=$1 left
    left=$(remaining)
    ((left > 0)) || return 0
    ((seconds <= left)) || seconds=$left
    nap "$seconds"
}

# Percent-encodes one path segment, so an _id with '/', '?' or spaces still names one session.
encode_segment() {
    local LC_ALL=C text=$1 out="" char i
    for ((i = 0; i < ${#text}; i++)); do
        char=${text:i:1}
        case $char in
            [A-Za-z0-9._~-]) out+=$char ;;
            *) printf -v char '%%%02X' "'$char"; out+=$char ;;
        esac
    done
    printf '%s' "$out"
}

# Prints the first string value of a top-level field in the response body. The broker answers
# compact JSON; this assumes the session payload does not reuse the names _id, last_use or
# next_use, which holds for the example pool (use jq for arbitrary payloads).
json_string() {
    grep -o "\"$1\"[[:space:]]*:[[:space:]]*\"[^\"]*\"" "$work_dir/body" | head -n 1 |
        sed 's/^.*:[[:space:]]*"\(.*\)"$/\1/' || true
}

# POSTs to $1 with optional JSON body $2; sets $status (000 when the broker could not be reached).
post() {
    local url=$1 body=${2:-}
    local args=(--silent --max-time 10 -X POST --dump-header "$work_dir/headers" --output "$work_dir/body"
        --write-out '%{http_code}')
    [[ -z ${BROKER_TOKEN:-} ]] || args+=(-H "Authorization: Bearer $BROKER_TOKEN")
    [[ -z $body ]] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
    : >"$work_dir/headers"
    : >"$work_dir/body"
    if run_child curl "${args[@]}" "$url" >"$work_dir/status"; then
        status=$(<"$work_dir/status")
    else
        status=000
    fi
}

error_text() {
    tr -d '\n' <"$work_dir/body"
}

retry_after() {
    grep -i '^retry-after:' "$work_dir/headers" | head -n 1 | tr -dc '0-9' || true
}

# Exponential back-off for an unreachable or overloaded broker, capped so recovery is noticed soon.
backoff=1
back_off() {
    nap_bounded "$backoff"
    ((backoff = backoff * 2 > 16 ? 16 : backoff * 2))
}

report() {
    local id=$1 outcome=$2 period=$3 body=""
    [[ -z $period ]] || body="{\"period\": $period}"
    post "$base/$(encode_segment "$id")/$outcome" "$body"
    case $status in
        200) ;;
        # Someone deleted the session while it was in use; the lease is simply over.
        404) printf '%s: %s of %s: session is gone: %s\n' "$name" "$outcome" "$id" "$(error_text)" >&2 ;;
        *)
            failures=$((failures + 1))
            printf '%s: %s of %s failed: HTTP %s %s\n' "$name" "$outcome" "$id" "$status" "$(error_text)" >&2
            ;;
    esac
}

deadline=$((SECONDS + ${duration:-0}))

while (($(remaining) > 0)); do
    post "$base/lease" "$lease_body"
    case $status in
        200)
            backoff=1
            id=$(json_string _id)
            last_use=$(json_string last_use)
            next_use=$(json_string next_use)
            if [[ -z $id ]]; then
                failures=$((failures + 1))
                printf '%s: lease answer without an _id: %s\n' "$name" "$(error_text)" >&2
                continue
            fi
            leases=$((leases + 1))
            printf '%s\t%s\t%s\t%s\n' "$name" "$id" "${last_use:--}" "${next_use:--}" >&3

            # The "work": 0.1 to 0.5 s with the session.
            nap "$(printf '0.%03d' $((RANDOM % 401 + 100)))"

            roll=$((RANDOM % 100))
            if ((roll < 2)); then
                blocks=$((blocks + 1))
                report "$id" block "$block_period"
            elif ((roll < 10)); then
                locks=$((locks + 1))
                report "$id" lock "$lock_period"
            else
                successes=$((successes + 1))
                report "$id" success ""
            fi
            ;;
        429)
            empty=$((empty + 1))
            wait_for=$(retry_after)
            # Without Retry-After no session will come back by itself (all inactive, or none
            # match the filter); poll slowly in case an operator adds or activates some.
            nap_bounded "${wait_for:-30}"
            ;;
        000 | 502 | 503 | 504)
            failures=$((failures + 1))
            if [[ $status == 000 ]]; then
                printf '%s: no answer from %s; retrying in %d s\n' "$name" "$broker_url" "$backoff" >&2
            else
                printf '%s: HTTP %s %s; retrying in %d s\n' "$name" "$status" "$(error_text)" "$backoff" >&2
            fi
            back_off
            ;;
        400 | 401 | 403 | 404 | 405 | 415)
            # The request itself is wrong (bad flag, token or pool): retrying cannot help.
            failures=$((failures + 1))
            die "lease refused: HTTP $status $(error_text)"
            ;;
        *)
            failures=$((failures + 1))
            printf '%s: unexpected HTTP %s %s; retrying in %d s\n' "$name" "$status" "$(error_text)" "$backoff" >&2
            back_off
            ;;
    esac
done
