#!/usr/bin/env bash
# Installs wrk and nginx when missing, builds the release binary and runs bench/bench.py.
# SCRATCH=DIR builds in DIR instead of .build; DURATION=S sets the seconds per wrk run (default 5).
# Other arguments go to bench.py (`bash bench/run.sh --help`).
set -euo pipefail

cd "$(dirname "$0")/.."

bash scripts/install-deps.sh wrk nginx-light
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
