"""`make demo` runs examples/demo.py: it must finish a run and write both artifacts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.subprocess]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "signed_in"),
    [
        ([], "account API key (prdm_cmp_**********), workspace demo-workspace"),
        (["--credential", "workspace-token"], "workspace token (prdm_wsp_**********)"),
        (["--credential", "api-key"], "API key and secret (**********)"),
    ],
    ids=["account-key", "workspace-token", "api-key"],
)
def test_the_demo_runs_end_to_end(tmp_path: Path, argv: list[str], signed_in: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py"), "--output", str(tmp_path), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"signed in with the {signed_in}\n" in result.stdout
    assert "demo-account-key" not in result.stdout and "demo-workspace-token" not in result.stdout
    assert "ended SUCCESS" in result.stdout
    assert "demo finished" in result.stdout
    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    results = json.loads((folder / "run_results.json").read_text())
    assert manifest["nodes"] and results["results"]
    assert "emulator  stopped (exit 0)" in result.stdout
