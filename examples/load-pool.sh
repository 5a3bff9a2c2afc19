#!/usr/bin/env bash
# Loads an NDJSON file (one session document per line) into the broker through its API.
#
#   examples/load-pool.sh [--pool NAME] [FILE]
#
# FILE defaults to accounts.ndjson beside this script. BROKER_URL defaults to
# http://127.0.0.1:8080; set BROKER_TOKEN when the broker requires a bearer token.
# Exit status: 0 when every line was created or already present, 1 when any line
# was rejected, 2 on a usage error or when the broker cannot be reached or refuses
# the endpoint itself (unknown pool, missing token).
set -euo pipefail

usage() {
    sed -n '2,11s/^# \{0,1\}//p' "$0"
}

die() {
    printf 'load-pool: %s\n' "$*" >&2
    exit 2
}

broker_url=${BROKER_URL:-http://127.0.0.1:8080}
broker_url=${broker_url%/}
pool=""
file=""

while (($#)); do
    case $1 in
        --pool) (($# >= 2)) || die "--pool needs a name"; pool=$2; shift 2 ;;
        --pool=*) pool=${1#--pool=}; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option: $1 (try --help)" ;;
        *) [[ -z $file ]] || die "only one file may be given"; file=$1; shift ;;
    esac
done
if (($#)); then
    [[ -z $file && $# -eq 1 ]] || die "only one file may be given"
    file=$1
fi

file=${file:-"$(dirname "$0")/accounts.ndjson"}
[[ -r $file ]] || die "cannot read $file"
command -v curl >/dev/null || die "curl is required"

if [[ -n $pool ]]; then
    # A pool name is one path segment; anything that would need escaping is not a name the broker declares.
    [[ $pool =~ ^[A-Za-z0-9._-]+$ ]] || die "pool name must be letters, digits, '.', '_' or '-': $pool"
    endpoint="$broker_url/pools/$pool/sessions"
else
    endpoint="$broker_url/sessions"
fi

curl_args=(--silent --show-error --max-time 10 -X POST -H 'Content-Type: application/json')
if [[ -n ${BROKER_TOKEN:-} ]]; then
    curl_args+=(-H "Authorization: Bearer $BROKER_TOKEN")
fi

body_file=$(mktemp)
trap 'rm -f "$body_file"' EXIT

created=0 duplicates=0 rejected=0 skipped=0 line_number=0

# `|| [[ -n $line ]]` keeps a last line that has no trailing newline.
while IFS= read -r line || [[ -n $line ]]; do
    line_number=$((line_number + 1))
    # Blank lines are common at the end of hand-edited files; they are not documents.
    if [[ -z ${line//[[:space:]]/} ]]; then
        skipped=$((skipped + 1))
        continue
    fi

    # The line goes to curl on stdin, so credentials never appear in the process list.
    if ! status=$(printf '%s' "$line" | curl "${curl_args[@]}" --data-binary @- \
        --output "$body_file" --write-out '%{http_code}' "$endpoint"); then
        # A transport failure affects every later line too, so stop instead of rejecting them one by one.
        die "line $line_number: no answer from $endpoint (is the broker running?)"
    fi

    case $status in
        201) created=$((created + 1)) ;;
        409) duplicates=$((duplicates + 1)) ;;
        # A wrong pool, URL or token fails every line the same way; one message is enough.
        401 | 403 | 404 | 405)
            die "line $line_number: HTTP $status $(tr -d '\n' <"$body_file") (check BROKER_URL, --pool and BROKER_TOKEN)"
            ;;
        *)
            rejected=$((rejected + 1))
            printf 'line %d: HTTP %s %s\n' "$line_number" "$status" "$(tr -d '\n' <"$body_file")" >&2
            ;;
    esac
done <"$file"

printf 'loaded %s into %s: %d created, %d duplicates, %d rejected' \
    "$file" "$endpoint" "$created" "$duplicates" "$rejected"
((skipped == 0)) || printf ', %d blank lines skipped' "$skipped"
printf '\n'

((rejected == 0))
