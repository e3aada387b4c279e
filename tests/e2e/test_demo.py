"""`make demo` runs examples/demo.py: it must finish a run and write both artifacts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_end_to_end(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py"), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ended SUCCESS" in result.stdout
    assert "demo finished" in result.stdout
    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    results = json.loads((folder / "run_results.json").read_text())
    assert manifest["nodes"] and results["results"]
    assert "emulator  stopped (exit 0)" in result.stdout
