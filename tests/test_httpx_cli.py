"""httpx's own command line: untouched in a user's process, unloaded in the `paradime-bolt`
process until something uses it, and working when something does."""

from __future__ import annotations

import pytest

from tests.support.subprocesses import run_python

pytestmark = pytest.mark.subprocess


def test_importing_the_client_changes_nothing_of_httpx() -> None:
    seen = run_python(
        """
        import json, sys
        import paradime_bolt, httpx._main
        from paradime_bolt import BoltClient
        import click, httpx
        print(json.dumps({
            "module": type(sys.modules["httpx._main"]).__name__,
            "main_is_the_command": isinstance(httpx.main, click.Command),
        }))
        """
    )
    assert seen == {"module": "module", "main_is_the_command": True}


def test_the_cli_process_keeps_httpx_cli_unloaded() -> None:
    """The `paradime-bolt` process (main() without arguments) running a command that talks to
    the API: click is its own, but rich and pygments (httpx's CLI) stay unloaded."""
    seen = run_python(
        """
        import atexit, json, os, sys
        def report():
            loaded = sorted({m.split(".")[0] for m in sys.modules} & {"rich", "pygments"})
            module = type(sys.modules.get("httpx._main")).__name__
            print(json.dumps({"loaded": loaded, "module": module, "httpx": "httpx" in sys.modules}))
        atexit.register(report)
        os.environ.update(PARADIME_API_ENDPOINT="http://127.0.0.1:9/graphql",
                          PARADIME_API_KEY="k", PARADIME_API_SECRET="s")
        sys.argv = ["paradime-bolt", "--max-retries", "0", "runs", "status", "1", "--json"]
        from paradime_bolt.cli import main
        main()
        """,
        expect_exit=None,
    )
    assert seen == {"loaded": [], "module": "_DeferredModule", "httpx": True}


def test_httpx_main_and_its_module_still_work_and_load_on_first_use() -> None:
    seen = run_python(
        """
        import json, sys
        from paradime_bolt.cli._httpx_cli import defer_httpx_cli
        assert defer_httpx_cli()
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
        from paradime_bolt.cli._httpx_cli import defer_httpx_cli
        print(json.dumps({
            "module": type(sys.modules["httpx._main"]).__name__,
            "deferred_again": defer_httpx_cli(),
            "main_is_the_command": type(httpx.main).__name__,
        }))
        """
    )
    assert seen == {"module": "module", "deferred_again": False, "main_is_the_command": "Command"}
