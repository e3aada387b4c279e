"""The BoltCredentials block: registered by `prefect block register -m`, saved and loaded with
its secret intact, and the secret nowhere a person or a log sees: its repr, Prefect's block
view, the flow run's parameters and logs, and the server's events."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.events.filters import EventFilter
from prefect.settings import PREFECT_API_URL

from paradime_bolt import ConfigurationError
from prefect_paradime_bolt import BoltCredentials, trigger_bolt_run_and_wait_for_completion

from .support import FAST, BoltEmulator, logs_of, wait_for

SECRET = "pytest-emulator-secret"  # the emulator's, as its fixture sets it


def _prefect(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    return subprocess.run(
        [sys.executable, "-m", "prefect", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=Path(__file__).parent,
    )


def test_prefect_block_register_finds_the_block_in_the_module() -> None:
    done = _prefect("block", "register", "-m", "prefect_paradime_bolt")
    assert done.returncode == 0, done.stdout + done.stderr
    with get_client(sync_client=True) as client:
        block_type = client.read_block_type_by_slug("paradime-bolt-credentials")
    assert block_type.name == "Paradime Bolt Credentials"


def test_the_block_round_trips_with_its_secret_kept_secret(emulator: BoltEmulator) -> None:
    assert emulator.api_secret == SECRET
    block = BoltCredentials(
        endpoint=emulator.endpoint, api_key=emulator.api_key, api_secret=emulator.api_secret
    )
    block.save("round-trip", overwrite=True)
    loaded = BoltCredentials.load("round-trip")
    assert loaded.api_secret is not None
    assert loaded.api_secret.get_secret_value() == SECRET
    assert (loaded.endpoint, loaded.api_key) == (emulator.endpoint, emulator.api_key)
    assert SECRET not in repr(loaded) and SECRET not in str(loaded)
    with loaded.get_client() as bolt:
        assert bolt.list_bolt_schedules().schedules
    # Prefect's block view (`prefect block inspect`, as the UI shows it) masks it.
    shown = _prefect("block", "inspect", "paradime-bolt-credentials/round-trip")
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert emulator.api_key in shown.stdout
    assert SECRET not in shown.stdout + shown.stderr
    with get_client(sync_client=True) as client:
        # What the UI's block page reads: the API without include_secrets.
        document = client.read_block_document_by_name(
            "round-trip", "paradime-bolt-credentials", include_secrets=False
        )
    assert SECRET not in str(document.data)
    assert document.data["api_key"] == emulator.api_key


def test_unset_fields_fall_back_to_the_clients_environment(
    emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in emulator.env.items():
        monkeypatch.setenv(name, value)
    with BoltCredentials().get_client() as bolt:
        assert bolt.config.endpoint == emulator.endpoint
        assert bolt.list_bolt_schedules().schedules
    monkeypatch.delenv("PARADIME_API_SECRET")
    with pytest.raises(ConfigurationError, match="PARADIME_API_SECRET"):
        BoltCredentials().get_client()


def test_the_secret_is_not_in_a_flow_runs_parameters_logs_or_events(
    credentials: BoltCredentials,
) -> None:
    state = trigger_bolt_run_and_wait_for_completion(
        credentials, "secret", create_assets=True, return_state=True, **FAST
    )
    assert state.is_completed()
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(flow_run_id)
        assert SECRET not in str(run.parameters)
        # The logs arrive in batches: wait for the flow run's last one.
        logs = wait_for(
            "the flow run's logs",
            lambda: (
                [log for log in logs_of(flow_run_id) if "Finished in state" in log.message]
                and logs_of(flow_run_id)
            ),
        )
        assert all(SECRET not in log.message for log in logs)
        events = client.read_events(EventFilter(), limit=50).events
        assert events
        assert all(SECRET not in event.model_dump_json() for event in events)
