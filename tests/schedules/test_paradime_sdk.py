"""Against Paradime's own code, in its own environment (.bench/sdk, built by `make sdk-env`):
its validator agrees with ours on which files are valid, and its SDK drives the five
schedule operations on the emulator."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from paradime_bolt.schedules import validate_path
from paradime_bolt_emulator.pytest_plugin import BoltEmulator

from .corpus import INVALID, VALID

pytestmark = [pytest.mark.e2e, pytest.mark.subprocess]

ROOT = Path(__file__).resolve().parents[2]
SDK_PYTHON = ROOT / ".bench" / "sdk" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
SCRIPT = Path(__file__).with_name("paradime_sdk_script.py")

if not SDK_PYTHON.exists():
    pytest.skip(
        f"SKIPPED LOUDLY: Paradime's SDK environment {SDK_PYTHON} is missing, so agreement with "
        "Paradime's validator and its SDK against the emulator were NOT tested: run `make sdk-env`",
        allow_module_level=True,
    )


def _sdk(*arguments: str) -> object:
    environment = {
        **os.environ,
        "PARADIME_DISABLE_TELEMETRY": "1",
        "PARADIME_DISABLE_VERSION_CHECK": "1",
        "PYTHONPATH": "",
    }
    done = subprocess.run(
        [str(SDK_PYTHON), str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_paradime_s_validator_agrees_on_what_is_valid(tmp_path: Path) -> None:
    files = {}
    for kind, corpus in (("valid", VALID), ("invalid", {k: v[0] for k, v in INVALID.items()})):
        for index, (name, text) in enumerate(sorted(corpus.items())):
            path = tmp_path / f"{kind}-{index}.yml"
            path.write_text(text, encoding="utf-8")
            files[str(path)] = (kind, name)
    theirs = _sdk("verdicts", *files)
    assert isinstance(theirs, dict)
    disagreements = []
    for path, (kind, name) in files.items():
        ours = validate_path(path).ok
        paradime = theirs[path] is None
        assert ours == (kind == "valid"), (name, [str(f) for f in validate_path(path).errors])
        if ours != paradime:
            disagreements.append((kind, name, theirs[path]))
    assert disagreements == []


def test_paradime_s_sdk_creates_lists_triggers_and_deletes_on_the_emulator(
    bolt_emulator: BoltEmulator,
) -> None:
    seen = _sdk("drive", bolt_emulator.endpoint, bolt_emulator.api_key, bolt_emulator.api_secret)
    assert isinstance(seen, dict)
    slug = seen["slug"]
    assert seen["environments"] == ["production"]
    assert len(set(seen["minted"])) == 2
    assert slug.startswith("sdk-made-")
    assert seen["listed"] == [["SDK Made", "ui"]]
    assert ["bolt-emulator-workspace", "SDK Made"] in seen["all_names"]
    assert seen["run_state"] == "SUCCESS"
    assert seen["after_delete"] == []
    assert "YamlScheduleException" in seen["yaml_delete"]
