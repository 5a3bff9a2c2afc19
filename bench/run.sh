#!/usr/bin/env bash
# Installs wrk and nginx when missing, builds the release binary and runs bench/bench.py.
# SCRATCH=DIR builds in DIR instead of .build; DURATION=S sets the seconds per wrk run (default 5).
# Other arguments go to bench.py (`bash bench/run.sh --help`).
set -euo pipefail

cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# Debian keeps nginx in /usr/sbin, which an unprivileged PATH may lack.
export PATH="$PATH:/usr/sbin"

swift="${SWIFT:-swift}"
build=(-c release)
if [ -n "${SCRATCH:-}" ]; then
    build+=(--scratch-path "$SCRATCH")
fi
"$swift" build "${build[@]}" >&2
bin_path="$("$swift" build "${build[@]}" --show-bin-path)"

# bench.py stops nginx and the broker and removes its temp dir on exit, Ctrl-C or SIGTERM.
exec python3 bench/bench.py --binary "$bin_path/session-broker" "$@"
