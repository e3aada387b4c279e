"""What importing and building a client loads: nothing it does not need yet (issue 17)."""

from __future__ import annotations

import pytest

from tests.support.subprocesses import run_python

pytestmark = pytest.mark.subprocess

ENV = "endpoint='https://api.test.example/graphql', api_key='k', api_secret='s'"


def test_building_a_sync_client_loads_no_asyncio_pool_or_async_code() -> None:
    seen = run_python(
        f"""
        import json, sys
        from paradime_bolt import BoltClient
        bolt = BoltClient({ENV})
        print(json.dumps(sorted(
            name for name in ("asyncio", "httpcore", "h11",
                              "paradime_bolt._generated.async_client",
                              "paradime_bolt._generated.async_base_client",
                              "paradime_bolt._async_client")
            if name in sys.modules
        )))
        """
    )
    assert seen == []


def test_the_first_call_makes_the_pool_and_still_needs_no_asyncio() -> None:
    seen = run_python(
        f"""
        import json, sys
        import httpx
        from paradime_bolt import BoltClient, TransportError
        bolt = BoltClient({ENV}, max_retries=0)
        bolt._transport.make_pool = lambda: httpx.Client(
            transport=httpx.MockTransport(lambda request: httpx.Response(
                200, json={{"data": {{"boltRunStatus": {{"ok": True, "state": "SUCCESS",
                                                       "commands": []}}}}}}))
        )
        state = bolt.bolt_run_status(1).state
        print(json.dumps({{"state": str(state), "asyncio": "asyncio" in sys.modules,
                          "pool": bolt._transport.made_http() is not None}}))
        """
    )
    assert seen == {"state": "SUCCESS", "asyncio": False, "pool": True}


def test_the_generated_client_defines_each_result_model_on_its_first_call() -> None:
    seen = run_python(
        """
        import json, sys
        from paradime_bolt._generated.client import BoltGraphQLClient

        class Answering:  # the Transport protocol, answering every operation alike
            def execute(self, query, operation_name, variables, **options):
                return {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}

            def parse(self, model, reply):
                return model.model_validate(reply)

        prefix = "paradime_bolt._generated."
        def loaded():
            return sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))

        at_import = loaded()
        state = BoltGraphQLClient(Answering()).bolt_run_status(1).state
        print(json.dumps({"at_import": at_import, "state": state, "after_call": loaded()}))
        """
    )
    assert seen["at_import"] == ["base_client", "base_model", "client"]
    assert seen["state"] == "SUCCESS"
    assert seen["after_call"] == [
        "base_client",
        "base_model",
        "bolt_run_status",
        "client",
        "fragments",
    ]
