"""An Apache Airflow provider for Paradime Bolt, built on the paradime-bolt client.

    from paradime_bolt_airflow import BoltRunOperator

    BoltRunOperator(task_id="daily", schedule_name="daily run", deferrable=True)

Names load on first use (PEP 562): Airflow imports this package for its provider info while it
starts, and a DAG file that imports an operator pays only for that module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from paradime_bolt import __version__

if TYPE_CHECKING:
    from .hooks import BoltHook
    from .links import BoltRunLink
    from .operators import BoltArtifactOperator, BoltRunOperator
    from .sensors import BoltRunSensor
    from .triggers import BoltRunTrigger

# -- written by scripts/lazy_exports.py from the imports above; do not edit --

_LAZY = {
    "BoltHook": ".hooks",
    "BoltRunLink": ".links",
    "BoltArtifactOperator": ".operators",
    "BoltRunOperator": ".operators",
    "BoltRunSensor": ".sensors",
    "BoltRunTrigger": ".triggers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BoltArtifactOperator",
    "BoltHook",
    "BoltRunLink",
    "BoltRunOperator",
    "BoltRunSensor",
    "BoltRunTrigger",
    "__version__",
]
