#!/usr/bin/env bash
# Installs the tools that check openapi.yaml into .venv-api/ at the repository root: schemathesis, which
# tests the running broker against it, and openapi-spec-validator, which checks the document itself.
# Safe to run again: it does nothing when the pinned versions are already there. API_TEST_PYTHON may name
# the Python 3.13 interpreter to use.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python313.sh

requirements=(schemathesis==4.32.5 openapi-spec-validator==0.9.0)
venv=.venv-api

# Two runs at once would build the same venv; the second waits for the first.
if command -v flock >/dev/null 2>&1; then
    exec 9<"$0"
    flock 9
fi

installed_versions() {
    "$venv/bin/python" -c 'import importlib.metadata as m, importlib.util as u
for name in ("schemathesis", "openapi-spec-validator"):
    if u.find_spec(name.replace("-", "_")): print(f"{name}=={m.version(name)}")' 2>/dev/null || true
}

wanted=$(printf '%s\n' "${requirements[@]}")
if [ -x "$venv/bin/python" ] && is_python_313 "$venv/bin/python" && [ "$(installed_versions)" = "$wanted" ]; then
    exit 0
fi

ensure_venv_313 "$venv" API_TEST_PYTHON "the API tests (schemathesis)" scripts/install-api-test-tools.sh

echo "installing ${requirements[*]} into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"

if [ "$(installed_versions)" != "$wanted" ]; then
    echo "error: $venv does not hold working ${requirements[*]} after installing them" >&2
    exit 1
fi
