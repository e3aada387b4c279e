"""What the scripts that write source files share (`unasync.py`, `lazy_exports.py`): ruff's fixes
and formatting, so a written file passes `make lint` as committed, and writing each file or, with
`--check`, only reporting the stale ones.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def ruff_formatted(text: str, path: Path, fixes: str) -> str:
    """`text` as ruff leaves it at `path`: the rules `fixes` selects fixed, then formatted."""
    ruff = [sys.executable, "-m", "ruff"]
    common = ["--quiet", "--stdin-filename", str(path), "-"]
    fixed = subprocess.run(  # noqa: S603 - a fixed command line
        [*ruff, "check", "--fix", "--select", fixes, *common],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return subprocess.run(  # noqa: S603 - a fixed command line
        [*ruff, "format", *common], input=fixed, capture_output=True, text=True, check=True
    ).stdout


def write_or_check(written: dict[Path, str], argv: list[str], script: str) -> int:
    """Writes each file its text; with `--check` in `argv`, writes nothing and names each file
    whose text differs. Returns the exit status: 1 when a file is stale."""
    stale = 0
    for path, text in written.items():
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8")
        elif path.read_text(encoding="utf-8") != text:
            print(f"{path} is stale: run python {script}", file=sys.stderr)
            stale = 1
    return stale
