"""httpx's own command line stays unloaded in our processes, and works when something uses it."""

from __future__ import annotations

from tests.support.subprocesses import run_python


def test_importing_the_client_before_httpx_keeps_httpx_cli_unloaded() -> None:
    seen = run_python(
        """
        import json, sys
        from paradime_bolt import BoltClient
        import httpx
        loaded = sorted({m.split(".")[0] for m in sys.modules} & {"click", "rich", "pygments"})
        print(json.dumps({"loaded": loaded, "real": type(sys.modules["httpx._main"]).__name__}))
        """
    )
    assert seen == {"loaded": [], "real": "_DeferredModule"}


def test_httpx_main_and_its_module_still_work_and_load_on_first_use() -> None:
    seen = run_python(
        """
        import json, sys
        import paradime_bolt
        import httpx
        from click.testing import CliRunner
        result = CliRunner().invoke(httpx.main, ["--help"])
        from httpx._main import print_response
        print(json.dumps({
            "exit": result.exit_code,
            "usage": "Usage:" in result.output,
            "module": type(sys.modules["httpx._main"]).__name__,
            "print_response": callable(print_response),
        }))
        """
    )
    assert seen == {"exit": 0, "usage": True, "module": "module", "print_response": True}


def test_an_httpx_imported_first_is_left_as_it_is() -> None:
    seen = run_python(
        """
        import json, sys
        import httpx
        import paradime_bolt
        from paradime_bolt._httpx_cli import defer_httpx_cli
        print(json.dumps({
            "module": type(sys.modules["httpx._main"]).__name__,
            "deferred_again": defer_httpx_cli(),
            "main_is_the_command": type(httpx.main).__name__,
        }))
        """
    )
    assert seen == {"module": "module", "deferred_again": False, "main_is_the_command": "Command"}
