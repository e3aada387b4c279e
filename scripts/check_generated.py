"""Fails when the committed generated code is stale: generates into a temporary folder and compares,
never touching the working tree's `_generated/` (`make check-generated`).

    python scripts/check_generated.py

It runs ariadne-codegen with codegen.toml and codegen-async.toml pointed at a temporary package
path, compares every file with src/paradime_bolt/_generated/ (missing, extra and changed files
are listed), then checks the unasync twins and the lazy-export sections (`--check` of each).
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "src/paradime_bolt"
GENERATED = ROOT / PACKAGE / "_generated"
CONFIGS = ("codegen.toml", "codegen-async.toml")


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def generate_into(folder: Path) -> Path:
    """Runs both codegen passes with their target under `folder`; returns the generated package."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in CONFIGS:
        text = (ROOT / name).read_text(encoding="utf-8")
        moved, count = re.subn(
            r'^target_package_path = ".*"$',
            f'target_package_path = "{folder.as_posix()}"',
            text,
            flags=re.M,
        )
        if count != 1:
            raise SystemExit(f"{name}: expected one target_package_path line")
        config = folder / name
        config.write_text(moved, encoding="utf-8")
        subprocess.run(  # noqa: S603 - our own tool and config
            [sys.executable, "-m", "ariadne_codegen", "--config", str(config)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder / "_generated"


def compare(fresh: Path) -> list[str]:
    """What differs between freshly generated files and the committed ones."""
    new, old = _files(fresh), _files(GENERATED)
    problems = [f"missing from {PACKAGE}/_generated: {name}" for name in sorted(new.keys() - old)]
    problems += [
        f"not generated any more: {PACKAGE}/_generated/{n}" for n in sorted(old.keys() - new)
    ]
    for name in sorted(new.keys() & old.keys()):
        if new[name] != old[name]:
            diff = difflib.unified_diff(
                old[name].splitlines(),
                new[name].splitlines(),
                "committed",
                "generated",
                lineterm="",
            )
            problems.append(f"stale: {PACKAGE}/_generated/{name}\n" + "\n".join(list(diff)[:40]))
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="check-generated-") as tmp:
        problems = compare(generate_into(Path(tmp)))
    for script in ("scripts/unasync.py", "scripts/lazy_exports.py"):
        done = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, script, "--check"], cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode != 0:
            problems.append(done.stderr.strip())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("generated code is stale: run 'make generate' and commit", file=sys.stderr)
        return 1
    print("generated code, twins and lazy exports are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
