"""Concurrent requests against a real server with a database file stay consistent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer

from .support import HEADERS

pytestmark = pytest.mark.e2e

QUERIES = [
    'mutation { triggerBoltRun(scheduleName: "quick run") { runId } }',
    '{ listBoltRuns(slug: "quick-run", limit: 50) { ok runs { id state } } }',
    "{ listBoltSchedules(showInactive: true) { totalCount schedules { lastRunState } } }",
    '{ boltScheduleName(scheduleName: "quick run") { ok latestRunId } }',
]


def test_parallel_requests_neither_fail_nor_corrupt_runs(
    tmp_path: Path, quick_schedules_file: Path
) -> None:
    with EmulatorServer(db=tmp_path / "bolt.db", schedules=quick_schedules_file) as server:

        def worker(offset: int) -> list[dict[str, object]]:
            with httpx.Client(headers=HEADERS) as client:
                return [
                    client.post(
                        server.endpoint, json={"query": QUERIES[(offset + n) % len(QUERIES)]}
                    ).json()
                    for n in range(25)
                ]

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [answer for batch in pool.map(worker, range(8)) for answer in batch]

        for answer in answers:
            for error in answer.get("errors", []):
                assert "AlreadyRunningException" in error["message"]
        runs = httpx.post(
            server.endpoint,
            json={"query": '{ listBoltRuns(slug: "quick-run", limit: 100) { runs { id state } } }'},
            headers=HEADERS,
        ).json()["data"]["listBoltRuns"]["runs"]
        active = [run for run in runs if run["state"] in {"STARTING", "RUNNING"}]
        assert len(active) <= 1  # never two runs of one schedule at once
        assert len({run["id"] for run in runs}) == len(runs) >= 1
