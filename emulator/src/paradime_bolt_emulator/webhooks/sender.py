"""Webhook delivery: the emulator POSTs ``bolt.run.started`` and ``bolt.run.completed`` events.

Give the emulator ``--webhook-url URL`` (repeatable), ``EmulatorConfig(webhook_urls=...)`` or
``EmulatorServer(webhook_urls=[...])`` and every run it executes is reported to each URL, the way
Paradime reports runs to a registered endpoint.

The body is built by ``payload``. The run engine calls ``WebhookSender`` from request and ticker
threads, so it only puts the event on a bounded queue: each URL has its own queue and worker
thread, so a dead or slow receiver never blocks a run, a request, or the other receivers. A
delivery is a POST with a timeout (5 s by default), tried up to 3 times with exponential backoff
(0.2 s, then 0.4 s, ...) after a connection error, a timeout, a 5xx or a 429 (``Retry-After`` is
not read); any other answer outside 2xx (redirects included, which are not followed) fails at
once. A failed delivery, a full queue and an abandoned shutdown are logged at WARNING on this
module's logger, naming the event, the run and the URL's origin only: never the body, and never
the URL's path, which may carry a shared secret.
``close()`` lets the workers finish what is queued for a short while, then gives up on the rest.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from paradime_bolt_emulator.config import (
    DEFAULT_WEBHOOK_ATTEMPTS,
    DEFAULT_WEBHOOK_BACKOFF,
    DEFAULT_WEBHOOK_DRAIN_TIMEOUT,
    DEFAULT_WEBHOOK_TIMEOUT,
    url_origin,
)
from paradime_bolt_emulator.runs.events import RunEvent

from .payload import encode_payload, event_name

logger = logging.getLogger(__name__)

EVENT_HEADER: Final = "X-Paradime-Event"  # our name: Paradime documents no event header
USER_AGENT: Final = "paradime-bolt-emulator"

DEFAULT_QUEUE_SIZE: Final = 1000
MAX_BACKOFF: Final = 30.0
_IDLE_POLL = 0.25  # how often an idle worker looks whether it should stop
_REASON_LIMIT = 200


def backoff_delay(failed_attempts: int, base: float) -> float:
    """Seconds to wait after the n-th failed attempt: base, 2*base, 4*base, ... (at most 30 s)."""
    return float(min(base * 2 ** (failed_attempts - 1), MAX_BACKOFF))


@dataclass(frozen=True)
class DeliveryCounts:
    """What a sender has done so far, over every URL: deliveries that got a 2xx, deliveries
    that failed after their last attempt, and events dropped (queue full, or shutting down)."""

    delivered: int = 0
    failed: int = 0
    dropped: int = 0


@dataclass(frozen=True)
class _Attempt:
    """How one POST went: delivered, or why not and whether trying again may help."""

    ok: bool
    retryable: bool = False
    reason: str = ""


class _Destination:
    """One webhook URL, with its own queue and worker thread."""

    def __init__(self, number: int, url: str, queue_size: int) -> None:
        self.url = url
        self.label = f"#{number} {url_origin(url)}"
        self.queue: queue.Queue[RunEvent | None] = queue.Queue(maxsize=queue_size)
        self.thread: threading.Thread | None = None


class WebhookSender:
    """A run-event listener that POSTs each event to every URL from background threads.

    Call the instance with a ``RunEvent`` (the engine does): it only enqueues. ``flush()`` waits
    for the queues to empty (useful in tests), ``close()`` stops the workers, ``counts()`` says
    what happened. ``transport`` replaces httpx's network transport (tests use a mock).
    """

    def __init__(
        self,
        urls: Sequence[str],
        *,
        api_url: str,
        timeout: float = DEFAULT_WEBHOOK_TIMEOUT,
        attempts: int = DEFAULT_WEBHOOK_ATTEMPTS,
        backoff: float = DEFAULT_WEBHOOK_BACKOFF,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {attempts}")
        if queue_size < 1:
            raise ValueError(f"queue_size must be at least 1, got {queue_size}")
        self._api_url = api_url
        self._timeout = timeout
        self._attempts = attempts
        self._backoff = backoff
        self._transport = transport
        self._destinations = [
            _Destination(number, url, queue_size) for number, url in enumerate(urls, start=1)
        ]
        self._lock = threading.Condition()
        self._pending = 0  # events queued or being delivered, over every URL
        self._delivered = self._failed = self._dropped = 0
        self._closing = threading.Event()  # no new events; workers stop once their queue is empty
        self._abort = threading.Event()  # the drain deadline passed: drop what is left, stop now
        for destination in self._destinations:
            destination.thread = threading.Thread(
                target=self._work,
                args=(destination,),
                name=f"bolt-emulator-webhook-{destination.label.split()[0]}",
                daemon=True,
            )
            destination.thread.start()

    @property
    def urls(self) -> tuple[str, ...]:
        """The URLs events are sent to."""
        return tuple(destination.url for destination in self._destinations)

    def counts(self) -> DeliveryCounts:
        """Deliveries so far: succeeded, failed and dropped."""
        with self._lock:
            return DeliveryCounts(self._delivered, self._failed, self._dropped)

    def __call__(self, event: RunEvent) -> None:
        """Queue the event for every URL and return at once; a full queue drops it (WARNING)."""
        for destination in self._destinations:
            # Under the lock, so an event is either queued ahead of close()'s stop marker or
            # dropped; put_nowait never blocks, and no worker takes this lock while in the queue.
            with self._lock:
                if self._closing.is_set():
                    problem = "the emulator is shutting down"
                else:
                    try:
                        destination.queue.put_nowait(event)
                    except queue.Full:
                        problem = f"{destination.queue.maxsize} deliveries are already queued"
                    else:
                        self._pending += 1
                        continue
                self._dropped += 1
            logger.warning(
                "webhook %s for run %s to %s dropped: %s",
                event_name(event),
                event.run_id,
                destination.label,
                problem,
            )

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event has been delivered or has failed; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float = DEFAULT_WEBHOOK_DRAIN_TIMEOUT) -> None:
        """Stop accepting events, let the workers drain their queues for up to ``timeout``
        seconds, then drop what is left (WARNING). Safe to call more than once.

        A POST in flight at the deadline is not interrupted; its daemon thread ends after it.
        """
        with self._lock:
            if self._closing.is_set():
                return
            self._closing.set()
        for destination in self._destinations:
            # The marker wakes an idle worker at once; when the queue is full, the busy worker
            # sees `_closing` once it has emptied it.
            with contextlib.suppress(queue.Full):
                destination.queue.put_nowait(None)
        if self.flush(timeout):
            for destination in self._destinations:
                if destination.thread is not None:
                    destination.thread.join(timeout=1.0)  # idle: it ends on the marker
            return
        self._abort.set()
        with self._lock:
            left = self._pending
        logger.warning(
            "stopping with %d webhook deliveries unfinished after %gs; they are dropped",
            left,
            timeout,
        )

    # the workers

    def _settle(self, *, delivered: int = 0, failed: int = 0, dropped: int = 0) -> None:
        """Count one event as finished, one way or another."""
        with self._lock:
            self._pending -= delivered + failed + dropped
            self._delivered += delivered
            self._failed += failed
            self._dropped += dropped
            self._lock.notify_all()

    def _work(self, destination: _Destination) -> None:
        """Deliver this URL's events in order until closed."""
        with httpx.Client(
            timeout=self._timeout,
            transport=self._transport,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        ) as http:
            while True:
                try:
                    event = destination.queue.get(timeout=_IDLE_POLL)
                except queue.Empty:
                    if self._closing.is_set():
                        return
                    continue
                if event is None:  # close()'s marker, queued after every event
                    return
                if self._abort.is_set():
                    self._settle(dropped=1)
                    continue
                try:
                    delivered = self._deliver(http, destination, event)
                except Exception:  # never let one event kill the worker
                    logger.exception(
                        "webhook %s for run %s to %s failed unexpectedly",
                        event_name(event),
                        event.run_id,
                        destination.label,
                    )
                    delivered = False
                if delivered:
                    self._settle(delivered=1)
                else:
                    self._settle(failed=1)

    def _deliver(self, http: httpx.Client, destination: _Destination, event: RunEvent) -> bool:
        """POST one event, retrying what may pass on another try; True once it got a 2xx."""
        name = event_name(event)
        body = encode_payload(event, self._api_url)
        headers = {"Content-Type": "application/json", EVENT_HEADER: name}
        attempt = 0
        outcome = _Attempt(ok=False, reason="not attempted")
        while attempt < self._attempts:
            attempt += 1
            outcome = _post(http, destination, body, headers)
            if outcome.ok:
                logger.debug(
                    "webhook %s for run %s delivered to %s", name, event.run_id, destination.label
                )
                return True
            if not outcome.retryable or attempt == self._attempts:
                break
            delay = backoff_delay(attempt, self._backoff)
            logger.info(
                "webhook %s for run %s to %s: %s; retrying in %gs",
                name,
                event.run_id,
                destination.label,
                outcome.reason,
                delay,
            )
            if self._abort.wait(delay):
                break
        logger.warning(
            "webhook %s for run %s to %s failed after %d attempt(s): %s",
            name,
            event.run_id,
            destination.label,
            attempt,
            outcome.reason,
        )
        return False


def _post(
    http: httpx.Client, destination: _Destination, body: bytes, headers: dict[str, str]
) -> _Attempt:
    """One POST, and how it went; connection errors and timeouts are worth another try."""
    try:
        response = http.post(destination.url, content=body, headers=headers)
    except httpx.TransportError as error:
        # The message is the URL-free text of the socket error; scrub the URL in case.
        detail = str(error).replace(destination.url, destination.label)[:_REASON_LIMIT]
        reason = type(error).__name__ + (f" ({detail})" if detail else "")
        return _Attempt(ok=False, retryable=True, reason=reason)
    status = response.status_code
    if 200 <= status < 300:
        return _Attempt(ok=True)
    return _Attempt(ok=False, retryable=status == 429 or status >= 500, reason=f"HTTP {status}")
