"""The distribution: its version is paradime-bolt's, which it pins exactly; its public names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import dagster_paradime_bolt
import paradime_bolt

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MEMBER = Path(__file__).resolve().parents[1]


def test_the_version_is_the_clients_and_the_pin_says_so() -> None:
    assert dagster_paradime_bolt.__version__ == paradime_bolt.__version__
    project = tomllib.loads((MEMBER / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if re.match(r"paradime-bolt\b", d)]
    assert pins == [f"paradime-bolt=={paradime_bolt.__version__}"]
    assert any(d.startswith("dagster>=1.10") for d in project["dependencies"])


def test_the_public_names_are_importable_from_the_top_level() -> None:
    for name in (
        "BoltResource",
        "build_bolt_assets",
        "bolt_run_op",
        "build_bolt_job",
        "bolt_schedule_sensor",
    ):
        assert name in dagster_paradime_bolt.__all__
        assert getattr(dagster_paradime_bolt, name) is not None
