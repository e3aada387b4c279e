"""The distribution: its version is paradime-bolt's, which it pins exactly; its public names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import paradime_bolt
import prefect_paradime_bolt

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MEMBER = Path(__file__).resolve().parents[1]


def test_the_version_is_the_clients_and_the_pin_says_so() -> None:
    assert prefect_paradime_bolt.__version__ == paradime_bolt.__version__
    project = tomllib.loads((MEMBER / "pyproject.toml").read_text())["project"]
    pins = [d for d in project["dependencies"] if re.match(r"paradime-bolt\b", d)]
    assert pins == [f"paradime-bolt=={paradime_bolt.__version__}"]
    assert "prefect>=3" in project["dependencies"]


def test_the_public_names_are_importable_from_the_top_level() -> None:
    for name in (
        "BoltCredentials",
        "trigger_bolt_run",
        "wait_for_bolt_run",
        "get_bolt_run_artifact",
        "trigger_bolt_run_and_wait_for_completion",
    ):
        assert name in prefect_paradime_bolt.__all__
        assert getattr(prefect_paradime_bolt, name) is not None
