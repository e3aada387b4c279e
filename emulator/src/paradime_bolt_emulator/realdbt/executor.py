"""Real runs: each run of a ``--dbt-project`` emulator executes its commands with real dbt.

A run gets its own copy of the project (a git clone with the run's branch checked out when the
project is a git repository, else a copy of the working tree), made afresh for each run in its
workspace's folder (``work/<workspace>`` in the state folder: a workspace's runs take turns, and
dbt's saved parse names absolute paths, so the place stays the same) and seeded with the
workspace's latest ``partial_parse.msgpack``: dbt then re-parses only what changed. Its commands
then run in order, each a real child process (see ``launcher``): ``git clone ...``, ``dbt deps``,
then the requested ones, with Bolt's rule that a failed command skips the rest unless it allows
errors (``continue_on_error``, and the exceptions in ``planner.runs_after_failure``). Output is
stored line by line as dbt writes it, so logs can be followed live; every file a command writes
under ``target/``, and what it added to ``logs/dbt.log``, become its resources.

A workspace's runs are queued and run one at a time (its DuckDB file takes one writer); runs stay
STARTING while they wait. Cancelling sends SIGINT (dbt cancels its queries), then SIGKILL after
``grace`` seconds; the run ends CANCELED with what was written. ``close`` cancels everything.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import shlex
import shutil
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from paradime_bolt_emulator.dbt.project import DBT_DEPS, GIT_CLONE
from paradime_bolt_emulator.runs.planner import runs_after_failure
from paradime_bolt_emulator.storage.records import (
    ACTIVE_STATES,
    CANCELED,
    ERROR,
    RUNNING,
    SUCCESS,
    RequestedCommand,
    RunRecord,
)
from paradime_bolt_emulator.storage.store import Store

from .launcher import DbtProcess, Launcher, LauncherError
from .project import DbtProject, DbtProjectError, git_output, safe_name

logger = logging.getLogger(__name__)

NOT_DBT_CODE = 1
NOT_DBT_MESSAGE = (
    "The Bolt emulator runs only dbt commands: {command!r} was not run. Paradime would run it; "
    "the emulator's --dbt-project mode executes the commands that start with `dbt`.\n"
)
CANCELLED_LINE = "Command cancelled: the run was cancelled through the Bolt API.\n"
STOPPED_LINE = "Command cancelled: the emulator stopped while the run was in progress.\n"
_JSON_SUFFIXES = frozenset({".json"})
_TEXT_SUFFIXES = frozenset({".sql", ".txt", ".log", ".md", ".yml", ".yaml", ".csv"})

Clock = Callable[[], float]


def content_type(path: str) -> str:
    """The media type a resource is served with."""
    suffix = Path(path).suffix
    if suffix in _JSON_SUFFIXES:
        return "application/json"
    if suffix == ".html":
        return "text/html; charset=utf-8"
    if suffix in _TEXT_SUFFIXES:
        return "text/plain; charset=utf-8"
    return "application/octet-stream"


@dataclass
class _Run:
    """A submitted run: whether it was asked to stop, its current process, when it is done."""

    run_id: int
    workspace: str
    cancel: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    process: DbtProcess | None = None
    stop_line: str = CANCELLED_LINE
    done: threading.Event = field(default_factory=threading.Event)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under a folder: relative path -> (mtime in ns, size)."""
    if not folder.is_dir():
        return {}
    files: dict[str, tuple[int, int]] = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file():
                stat = path.stat()
                files[path.relative_to(folder).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return files


class RealRuns:
    """Executes runs with real dbt; ``publish(run_id)`` tells the engine to send due events."""

    def __init__(
        self,
        store: Store,
        project: DbtProject,
        launcher: Launcher,
        *,
        publish: Callable[[int], None],
        clock: Clock,
        grace: float,
    ) -> None:
        self._store = store
        self.project = project
        self._launcher = launcher
        self._publish = publish
        self._clock = clock
        self._grace = grace
        self._lock = threading.Lock()
        self._runs: dict[int, _Run] = {}
        self._queues: dict[str, queue.Queue[int | None]] = {}
        self._workers: list[threading.Thread] = []
        self._closing = False
        self._fail_leftovers()

    def _fail_leftovers(self) -> None:
        """Runs left active by an emulator that did not stop cleanly end CANCELED now."""
        now = self._clock()
        with self._store.transaction() as repo:
            leftovers = [run for run in repo.active_runs() if not run.plan]
            for run in leftovers:
                repo.set_canceled(run.id, now)
                repo.set_run_state(run.id, CANCELED, now)
        for run in leftovers:
            self._publish(run.id)

    # submitting and cancelling

    def submit(self, run: RunRecord) -> None:
        """Queue a new run on its workspace's worker."""
        with self._lock:
            if self._closing:
                raise RuntimeError("the emulator is stopping")
            self._runs[run.id] = _Run(run.id, run.workspace)
            waiting = self._queues.get(run.workspace)
            if waiting is None:
                waiting = self._queues[run.workspace] = queue.Queue()
                worker = threading.Thread(
                    target=self._work,
                    args=(waiting,),
                    name=f"bolt-dbt-{safe_name(run.workspace)}",
                    daemon=True,
                )
                self._workers.append(worker)
                worker.start()
        waiting.put(run.id)

    def is_real(self, run_id: int) -> bool:
        """Whether this executor knows the run (submitted since start)."""
        with self._lock:
            return run_id in self._runs

    def cancel(self, run_id: int, *, line: str = CANCELLED_LINE) -> bool:
        """Stop a run: a queued one ends at once; a running one's dbt gets SIGINT, then SIGKILL
        after the grace period. Returns once the run has ended; False if it already had."""
        with self._lock:
            entry = self._runs.get(run_id)
            if entry is None or entry.done.is_set():
                return False
            entry.stop_line = line
            entry.cancel.set()
            started, process = entry.started, entry.process
        if not started:
            self._end(entry, CANCELED)
            return True
        if process is not None:
            process.send_signal(signal.SIGINT)
        if not entry.done.wait(self._grace):
            with self._lock:
                process = entry.process
            if process is not None:
                logger.warning("run %s: dbt did not stop on SIGINT; killing it", run_id)
                process.send_signal(signal.SIGKILL)
            entry.done.wait(60)
        return True

    def close(self) -> None:
        """Cancel every run (in parallel), stop the workers and the launcher."""
        with self._lock:
            self._closing = True
            pending = [entry.run_id for entry in self._runs.values() if not entry.done.is_set()]
        stoppers = [
            threading.Thread(target=self.cancel, args=(run_id,), kwargs={"line": STOPPED_LINE})
            for run_id in pending
        ]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for waiting in self._queues.values():
            waiting.put(None)
        for worker in self._workers:
            worker.join(30)
        self._launcher.close()

    # the workers

    def _work(self, waiting: queue.Queue[int | None]) -> None:
        while True:
            run_id = waiting.get()
            if run_id is None:
                return
            with self._lock:
                entry = self._runs[run_id]
                if entry.cancel.is_set():
                    continue
                entry.started = True
            try:
                state = self._execute(entry)
            except Exception:
                logger.exception("run %s failed in the emulator", run_id)
                state = ERROR
            if entry.cancel.is_set():
                state = CANCELED
            self._end(entry, state)

    def _end(self, entry: _Run, state: str) -> None:
        """Store the run's final state, tell the listeners, and release whoever waits."""
        now = self._clock()
        with self._store.transaction() as repo:
            run = repo.get_run(entry.run_id, workspace=None)
            if run is not None and run.state in ACTIVE_STATES:
                if state == CANCELED:
                    repo.set_canceled(entry.run_id, now)
                repo.set_run_state(entry.run_id, state, now)
        self._publish(entry.run_id)
        with self._lock:
            entry.done.set()
            entry.process = None

    def _execute(self, entry: _Run) -> str:
        """Run every command of the run in its own copy of the project; the final state."""
        with self._store.transaction() as repo:
            run = repo.get_run(entry.run_id, workspace=None)
            assert run is not None
            repo.set_run_state(run.id, RUNNING, None)
        workdir = work_folder(self.project, run.workspace)
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.parent.mkdir(parents=True, exist_ok=True)
        env = self.project.environment(run.workspace, run.schedule_name)
        try:
            if self._clone(entry, run, workdir) != 0:
                return ERROR
            seed_partial_parse(self.project, run.workspace, workdir)
            steps = [RequestedCommand(DBT_DEPS), *list(run.requested)]
            failed: str | None = None
            all_ok = True
            for index, step in enumerate(steps, start=1):
                if entry.cancel.is_set():
                    break
                if failed is not None and not runs_after_failure(failed, step.command):
                    continue
                code = self._command(entry, run, index, step.command, workdir, env)
                if code != 0:
                    all_ok = False
                    if failed is None and not step.continue_on_error:
                        failed = step.command
            return SUCCESS if all_ok else ERROR
        finally:
            keep_partial_parse(self.project, run.workspace, workdir)

    # the steps

    def _start_command(self, run: RunRecord, position: int, text: str) -> int:
        now = self._clock()
        with self._store.transaction() as repo:
            command_id = repo.insert_command(
                run_id=run.id,
                position=position,
                command=text,
                start_ts=now,
                # Equal to the start: readers show all the text stored so far (see service).
                planned_end_ts=now,
                stdout="",
                stderr="",
            )
        self._publish(run.id)
        return command_id

    def _write(self, command_id: int, *, stdout: str = "", stderr: str = "") -> None:
        with self._store.transaction() as repo:
            repo.append_output(command_id, stdout=stdout, stderr=stderr)

    def _finish(self, command_id: int, code: int) -> None:
        with self._store.transaction() as repo:
            repo.end_command(command_id, end_ts=self._clock(), return_code=code)

    def _clone(self, entry: _Run, run: RunRecord, workdir: Path) -> int:
        """The ``git clone ...`` step: the run's own copy of the project."""
        command_id = self._start_command(run, 0, GIT_CLONE)
        root = self.project.root
        if not self.project.is_git:
            self.project.copy_tree(workdir)
            self._write(
                command_id,
                stdout=f"Copied the working tree of {root} (not a git repository, so the branch "
                f"{run.branch!r} is not checked out)\n",
            )
            self._finish(command_id, 0)
            return 0
        self._write(command_id, stdout=f"Cloning into '{workdir.name}'...\n")
        code = 0
        for args in (
            ("clone", "--quiet", "--no-checkout", str(root), str(workdir)),
            ("-C", str(workdir), "checkout", "--quiet", run.branch),
        ):
            result = git_output(*args, cwd=workdir.parent)
            self._write(command_id, stdout=result.stdout, stderr=result.stderr)
            if result.returncode != 0:
                code = result.returncode
                break
        if code == 0:
            head = git_output("-C", str(workdir), "rev-parse", "HEAD", cwd=workdir.parent)
            commit = head.stdout.strip()
            if head.returncode == 0 and commit:
                with self._store.transaction() as repo:
                    repo.set_commit_hash(run.id, commit)
                self._write(command_id, stdout=f"Checked out {run.branch} at {commit}\n")
        elif not entry.cancel.is_set():
            self._write(command_id, stderr=f"Branch {run.branch!r} could not be checked out.\n")
        self._finish(command_id, code)
        return code

    def _command(
        self,
        entry: _Run,
        run: RunRecord,
        position: int,
        text: str,
        workdir: Path,
        env: dict[str, str | None],
    ) -> int:
        """One command: dbt in a child process, or a clear failure for anything else."""
        command_id = self._start_command(run, position, text)
        try:
            words = shlex.split(text)
        except ValueError as error:
            words = []
            problem = f"The command cannot be read as a command line: {error}.\n"
        else:
            problem = NOT_DBT_MESSAGE.format(command=text)
        if not words or words[0] != "dbt":
            self._write(command_id, stderr=problem)
            self._finish(command_id, NOT_DBT_CODE)
            return NOT_DBT_CODE
        before = _snapshot(workdir / "target")
        log_file = workdir / "logs" / "dbt.log"
        log_offset = log_file.stat().st_size if log_file.is_file() else 0
        with self._lock:
            cancelled = entry.cancel.is_set()
        if cancelled:
            process = None
        else:
            try:
                process = self._launcher.launch(words[1:], cwd=workdir, env=env)
            except LauncherError as error:
                self._write(command_id, stderr=f"dbt could not be started: {error}\n")
                self._finish(command_id, NOT_DBT_CODE)
                return NOT_DBT_CODE
        with self._lock:
            entry.process = process
            if process is not None and entry.cancel.is_set():
                process.send_signal(signal.SIGINT)
        code = -int(signal.SIGINT) if process is None else self._follow(command_id, process)
        with self._lock:
            entry.process = None
        if entry.cancel.is_set():
            self._write(command_id, stderr=entry.stop_line)
        if position > 1:  # as in Bolt, dbt deps (a set-up step) leaves no resources
            self._store_artifacts(command_id, workdir, before, log_file, log_offset)
        self._finish(command_id, code)
        return code

    def _follow(self, command_id: int, process: DbtProcess) -> int:
        """Store the process's output as it comes; its exit status."""

        def pump(stream: IO[bytes], name: str) -> None:
            with stream:
                for raw in iter(stream.readline, b""):
                    line = raw.decode("utf-8", errors="replace")
                    if not line.endswith("\n"):
                        line += "\n"
                    self._write(command_id, **{name: line})

        readers = [
            threading.Thread(target=pump, args=(process.stdout, "stdout"), daemon=True),
            threading.Thread(target=pump, args=(process.stderr, "stderr"), daemon=True),
        ]
        for reader in readers:
            reader.start()
        code = process.wait()
        for reader in readers:
            reader.join()
        return -int(signal.SIGKILL) if code is None else code

    def _store_artifacts(
        self,
        command_id: int,
        workdir: Path,
        before: dict[str, tuple[int, int]],
        log_file: Path,
        log_offset: int,
    ) -> None:
        """Every file under target/ the command wrote, and its part of logs/dbt.log."""
        target = workdir / "target"
        after = _snapshot(target)
        changed = sorted(path for path, stamp in after.items() if before.get(path) != stamp)
        files: list[tuple[str, bytes]] = []
        for path in changed:
            with contextlib.suppress(OSError):
                files.append((f"target/{path}", (target / path).read_bytes()))
        if log_file.is_file():
            with contextlib.suppress(OSError), log_file.open("rb") as handle:
                handle.seek(log_offset)
                written = handle.read()
                if written:
                    files.append(("logs/dbt.log", written))
        if not files:
            return
        with self._store.transaction() as repo:
            for path, content in files:
                repo.insert_resource(command_id, path, content_type(path), content)


def work_folder(project: DbtProject, workspace: str) -> Path:
    """Where a workspace's runs make their copy of the project."""
    return project.state / "work" / safe_name(workspace)


def _cache(project: DbtProject, workspace: str) -> Path:
    return project.state / "partial_parse" / f"{safe_name(workspace)}.msgpack"


def seed_partial_parse(project: DbtProject, workspace: str, workdir: Path) -> None:
    """Give a run's fresh copy the workspace's latest saved parse."""
    source = _cache(project, workspace)
    if source.is_file():
        (workdir / "target").mkdir(exist_ok=True)
        shutil.copyfile(source, workdir / "target" / "partial_parse.msgpack")


def keep_partial_parse(project: DbtProject, workspace: str, workdir: Path) -> None:
    """Keep a run's saved parse for the workspace's next run."""
    source = workdir / "target" / "partial_parse.msgpack"
    if source.is_file():
        cache = _cache(project, workspace)
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".tmp")
        shutil.copyfile(source, partial)
        partial.replace(cache)


def parse_at_start(project: DbtProject, launcher: Launcher, workspace: str) -> None:
    """``dbt parse`` in a copy of the project; DbtProjectError with dbt's words when it fails.

    It parses where the workspace's runs will, so its ``partial_parse.msgpack`` serves them."""
    workdir = work_folder(project, workspace)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    project.copy_tree(workdir)
    try:
        process = launcher.launch(["parse"], cwd=workdir, env=project.environment(workspace, ""))
        output: list[str] = []

        def pump(stream: IO[bytes]) -> None:
            with stream:
                output.extend(line.decode("utf-8", errors="replace") for line in stream)

        readers = [
            threading.Thread(target=pump, args=(s,)) for s in (process.stdout, process.stderr)
        ]
        for reader in readers:
            reader.start()
        code = process.wait()
        for reader in readers:
            reader.join()
        if code != 0:
            tail = "".join(output[-25:]).rstrip()
            raise DbtProjectError(
                f"dbt parse failed for {project.root} (exit status {code}):\n{tail}"
            )
        keep_partial_parse(project, workspace, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
