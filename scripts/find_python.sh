#!/usr/bin/env bash
# Prints the path of an installed CPython VERSION (e.g. 3.10) that runs, or nothing.
# Looks on PATH, then in pyenv's versions, then among uv's own; never downloads one.
set -uo pipefail
version="$1"
uv="${2:-uv}"
runs() { [ -n "$1" ] && "$1" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$version'.split('.')))" >/dev/null 2>&1; }
candidates=("$(command -v "python$version" 2>/dev/null)")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/"$version".*/bin /usr/local/bin /usr/bin; do
    candidates+=("$dir/python$version")
done
candidates+=("$(UV_PYTHON_DOWNLOADS=never "$uv" python find --no-project "$version" 2>/dev/null)")
for candidate in "${candidates[@]}"; do
    if runs "$candidate"; then
        echo "$candidate"
        exit 0
    fi
done
exit 0
