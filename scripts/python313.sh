# Finds a Python 3.13 interpreter for the test tools' venvs; sourced by the install-*.sh scripts.

is_python_313() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' >/dev/null 2>&1
}

# Prints the path of a Python 3.13: the one the variable named $1 holds when it is set, else pyenv's
# newest 3.13, else python3.13 or python3 on the PATH. Fails when there is none.
find_python_313() {
    local variable=$1 chosen candidate root
    chosen=${!variable:-}
    if [ -n "$chosen" ]; then
        if is_python_313 "$chosen"; then
            echo "$chosen"
            return 0
        fi
        echo "$variable=$chosen is not a Python 3.13 interpreter" >&2
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

# Makes $1 a venv of Python 3.13 unless it is one already. $2 names the variable that may choose the
# interpreter, $3 says what needs it and $4 is the script to run again, for the message when none is found.
ensure_venv_313() {
    local venv=$1 variable=$2 purpose=$3 script=$4 python
    if [ -x "$venv/bin/python" ] && is_python_313 "$venv/bin/python"; then
        return 0
    fi
    if ! python=$(find_python_313 "$variable"); then
        echo "error: $purpose needs Python 3.13, and none was found." >&2
        echo "Install it (for example: pyenv install 3.13.0) or set $variable to its path," >&2
        echo "then run: bash $script" >&2
        return 1
    fi
    echo "creating $venv with $python"
    rm -rf "$venv"
    "$python" -m venv "$venv"
}
