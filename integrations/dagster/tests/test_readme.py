"""The README's examples build loadable definitions (the Definitions example comes first)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from dagster import Definitions

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_opens_with_a_definitions_example() -> None:
    text = README.read_text(encoding="utf-8")
    first_code = text.index("```")
    assert text.index("```python\nfrom dagster import Definitions") == first_code


@pytest.mark.parametrize("index", [0, 1])
def test_each_example_builds_loadable_definitions(
    index: int,
    manifest: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "dbt").mkdir()
    (tmp_path / "dbt" / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(_python_blocks()[index], f"README.md example {index}", "exec"), namespace)
    defs = namespace["defs"]
    assert isinstance(defs, Definitions)
    Definitions.validate_loadable(defs)
