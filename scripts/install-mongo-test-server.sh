#!/usr/bin/env bash
# Installs the MongoDB-compatible server the tests run against (mongoeco, pure Python, with pymongo)
# into .venv-mongo/ at the repository root. Safe to run again: it does nothing when the pinned
# version is already there. MONGO_TEST_PYTHON may name the Python 3.13 interpreter to use.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python313.sh

requirement='mongoeco[wire]==4.11.0'
version=4.11.0
venv=.venv-mongo

# Two runs at once would build the same venv; the second waits for the first.
if command -v flock >/dev/null 2>&1; then
    exec 9<"$0"
    flock 9
fi

installed_version() {
    "$venv/bin/python" -c 'import importlib.metadata as m, pymongo, mongoeco.wire; print(m.version("mongoeco"))' \
        2>/dev/null || true
}

if [ -x "$venv/bin/python" ] && is_python_313 "$venv/bin/python" && [ "$(installed_version)" = "$version" ]; then
    exit 0
fi

ensure_venv_313 "$venv" MONGO_TEST_PYTHON "the MongoDB test server (mongoeco)" scripts/install-mongo-test-server.sh

echo "installing $requirement into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"

if [ "$(installed_version)" != "$version" ]; then
    echo "error: $venv does not hold a working mongoeco $version after installing it" >&2
    exit 1
fi
