#!/usr/bin/env bash
# Installs the MongoDB-compatible server the tests run against (mongoeco, pure Python, with pymongo)
# into .venv-mongo/ at the repository root. Safe to run again: it does nothing when the pinned
# version is already there. MONGO_TEST_PYTHON may name the Python 3.13 interpreter to use.
set -euo pipefail
cd "$(dirname "$0")/.."

requirement='mongoeco[wire]==4.11.0'
version=4.11.0
venv=.venv-mongo

# Two runs at once would build the same venv; the second waits for the first.
if command -v flock >/dev/null 2>&1; then
    exec 9<"$0"
    flock 9
fi

is_python_313() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' >/dev/null 2>&1
}

installed_version() {
    "$venv/bin/python" -c 'import importlib.metadata as m, pymongo, mongoeco.wire; print(m.version("mongoeco"))' \
        2>/dev/null || true
}

find_python() {
    local candidate root
    if [ -n "${MONGO_TEST_PYTHON:-}" ]; then
        if is_python_313 "$MONGO_TEST_PYTHON"; then
            echo "$MONGO_TEST_PYTHON"
            return 0
        fi
        echo "MONGO_TEST_PYTHON=$MONGO_TEST_PYTHON is not a Python 3.13 interpreter" >&2
        return 1
    fi

    # pyenv's shims need PYENV_VERSION, so look for its real interpreters first, newest first.
    root=${PYENV_ROOT:-$HOME/.pyenv}
    if command -v pyenv >/dev/null 2>&1; then
        root=$(pyenv root)
    fi
    for candidate in $(ls -d "$root"/versions/3.13* 2>/dev/null | sort -rV); do
        if is_python_313 "$candidate/bin/python3.13"; then
            echo "$candidate/bin/python3.13"
            return 0
        fi
    done

    for candidate in python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && is_python_313 "$(command -v "$candidate")"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [ -x "$venv/bin/python" ] && is_python_313 "$venv/bin/python" && [ "$(installed_version)" = "$version" ]; then
    exit 0
fi

if ! [ -x "$venv/bin/python" ] || ! is_python_313 "$venv/bin/python"; then
    if ! python=$(find_python); then
        echo "error: the MongoDB test server (mongoeco) needs Python 3.13, and none was found." >&2
        echo "Install it (for example: pyenv install 3.13.0) or set MONGO_TEST_PYTHON to its path," >&2
        echo "then run: bash scripts/install-mongo-test-server.sh" >&2
        exit 1
    fi
    echo "creating $venv with $python"
    rm -rf "$venv"
    "$python" -m venv "$venv"
fi

echo "installing $requirement into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement"

if [ "$(installed_version)" != "$version" ]; then
    echo "error: $venv does not hold a working mongoeco $version after installing it" >&2
    exit 1
fi
