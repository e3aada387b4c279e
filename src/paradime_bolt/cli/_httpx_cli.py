"""Keeps httpx's own command line (`httpx._main`) from loading in the `paradime-bolt` process
until something uses it.

`import httpx` runs `from ._main import main`, which imports click, rich and pygments whenever
they are installed (our `cli` extra installs them): about a fifth of the cost of starting a CLI
command. Only the `paradime-bolt` process does this (`paradime_bolt.cli.main()` without
arguments): a library changes nothing of its user's process, so `import paradime_bolt` leaves
httpx as it is. If httpx is not imported yet, a stand-in takes the module's place;
`httpx.main()`, `httpx.main.<anything>` and any `from httpx._main import ...` load the real
module on first use, so nothing behaves differently, except that `httpx.main` is a proxy of
the click command rather than the command itself. docs/performance.md documents it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["defer_httpx_cli"]

_NAME = "httpx._main"
# What httpx._main imports; without all three, httpx's own fallback is already cheap.
_CLI_DEPENDENCIES = ("click", "rich", "pygments")


def _real() -> types.ModuleType:
    """httpx's real command-line module, loaded in the stand-in's place on first use."""
    if isinstance(sys.modules.get(_NAME), _DeferredModule):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


class _DeferredModule(types.ModuleType):
    """Stands in for `httpx._main`: any attribute but `main` loads the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's probes (`__path__`, ...) load nothing
            raise AttributeError(name)
        return getattr(_real(), name)


class _DeferredMain:
    """Stands in for `httpx.main`, the click command: calling it or reading any of its
    attributes loads httpx's command line and hands over."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _real().main(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_real().main, name)

    def __repr__(self) -> str:
        return "<httpx.main, loaded on first use by paradime_bolt>"


def defer_httpx_cli() -> bool:
    """Puts the stand-in in place if httpx is not imported yet and its command line's own
    dependencies are installed; returns whether it did."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return False
    if any(importlib.util.find_spec(name) is None for name in _CLI_DEPENDENCIES):
        return False
    module = _DeferredModule(_NAME, __doc__)
    module.main = _DeferredMain()  # type: ignore[attr-defined]
    sys.modules[_NAME] = module
    return True
