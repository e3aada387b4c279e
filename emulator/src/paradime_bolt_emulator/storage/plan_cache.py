"""Decoded run plans in memory, by run id, so a plan (logs included) is read and decoded once
rather than on every request that looks at the run.

A plan never changes once its run is stored, so an entry is valid until it is evicted; the store
clears the cache when a transaction rolls back, since a rolled-back run's id is handed out again.
Bounded (LRU): a run that falls out is simply read again when next needed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from .records import RunPlan

DEFAULT_MAX_RUNS = 256


class PlanCache:
    """``get(run_id)`` gives the run's plan, loading it with ``load`` when it is not cached."""

    def __init__(
        self, load: Callable[[int], RunPlan | None], max_runs: int = DEFAULT_MAX_RUNS
    ) -> None:
        self._load = load
        self.max_runs = max_runs
        self._plans: OrderedDict[int, RunPlan] = OrderedDict()
        self._lock = threading.Lock()
        # How many plans were read from the database and decoded (for tests and benchmarks).
        self.loads = 0

    def get(self, run_id: int) -> RunPlan:
        """The plan of a stored run; LookupError when the run does not exist."""
        with self._lock:
            plan = self._plans.get(run_id)
            if plan is not None:
                self._plans.move_to_end(run_id)
                return plan
        plan = self._load(run_id)
        if plan is None:
            raise LookupError(f"run {run_id} is not stored")
        with self._lock:
            self.loads += 1
            self._plans[run_id] = plan
            while len(self._plans) > self.max_runs:
                self._plans.popitem(last=False)
        return plan

    def clear(self) -> None:
        """Forget every plan (after a rollback)."""
        with self._lock:
            self._plans.clear()
