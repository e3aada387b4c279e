"""docs/cli.md (the command line's guide), docs/ci.md (CI recipes) and the GitHub Actions
workflow it documents."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs"
CLI_DOC = DOCS / "cli.md"
CI_DOC = DOCS / "ci.md"


def doc() -> str:
    """The command line's guide: its commands, options and exit codes."""
    return CLI_DOC.read_text(encoding="utf-8")


def workflow() -> dict[str, Any]:
    text = CI_DOC.read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(# \.github/workflows/bolt\.yml\n.*?)```", text, re.DOTALL)
    assert match, "the GitHub Actions workflow block"
    loaded: dict[str, Any] = yaml.safe_load(match.group(1))
    return loaded
