"""Exit codes, and the one place where an exception becomes a message and an exit code.

The root command catches whatever a command raises and hands it to `report_exception()`; no
command maps errors to exit codes itself and no traceback ever reaches the user. Usage errors
are click's own (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from ._signals import Terminated

if TYPE_CHECKING:
    from paradime_bolt import ClientConfig, RunFailedError, StorageError

    from ._output import Output

__all__ = [
    "EXIT_CODES",
    "CliError",
    "ExitCode",
    "Failure",
    "classify",
    "exit_code_of",
    "failure_report",
    "interruption",
    "report_exception",
]


class ExitCode(IntEnum):
    """What `paradime-bolt` exits with."""

    OK = 0
    RUN_FAILED = 1
    USAGE = 2
    TIMED_OUT = 3
    CONFIGURATION = 4
    API = 5
    INTERRUPTED = 130
    TERMINATED = 143


EXIT_CODES: Sequence[tuple[ExitCode, str]] = (
    (ExitCode.OK, "success"),
    (ExitCode.RUN_FAILED, "the run ended failed, errored or cancelled"),
    (ExitCode.USAGE, "usage error (unknown command or option, missing or invalid argument)"),
    (ExitCode.TIMED_OUT, "timed out waiting for the run (--timeout)"),
    (ExitCode.CONFIGURATION, "authentication or configuration error (credentials, endpoint)"),
    (ExitCode.API, "API or transport error (network, HTTP, GraphQL, unknown schedule or run)"),
    (ExitCode.INTERRUPTED, "interrupted (Ctrl-C, SIGINT)"),
    (ExitCode.TERMINATED, "terminated (SIGTERM, as CI systems stop a job)"),
)


class CliError(Exception):
    """An error of the command line itself, with the exit code it stands for."""

    def __init__(self, message: str, exit_code: ExitCode, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint


@dataclass(frozen=True)
class Failure:
    """What to tell the user about an exception, and the exit code."""

    exit_code: ExitCode
    kind: str
    lines: tuple[str, ...]
    unexpected: bool = False

    @property
    def message(self) -> str:
        return "\n".join(self.lines)


_NOT_FOUND_HINTS = {
    "schedule": "is the schedule name (or slug) right? `paradime-bolt schedules list --all` "
    "lists them",
    "run": "is the run id right? `paradime-bolt schedules show <schedule>` shows its latest run",
    "command": "is the command id right? `paradime-bolt runs status <run id>` lists a run's "
    "commands",
    "resource": "is the resource id right? `paradime-bolt artifacts list <run id>` lists a "
    "run's artifacts",
}

_OPERATION_FAILED_HINTS = {
    "CancelBoltRun": "the run may have finished already, or the run id is wrong",
}


_CONFIGURATION_HINT = (
    "paradime-bolt reads PARADIME_API_ENDPOINT (or --endpoint), PARADIME_API_SECRET (an account "
    "API key, a workspace token or a legacy API secret), PARADIME_WORKSPACE_UID (or "
    "--workspace-uid; needed with an account API key) and PARADIME_API_KEY (with a legacy secret)"
)
_REFUSED_HINTS = {
    "api_key_pair": "check PARADIME_API_KEY and PARADIME_API_SECRET, and that the key has the "
    "Bolt schedules admin capability to trigger and cancel runs",
    "workspace_token": "check the workspace token in PARADIME_API_SECRET; it reaches its own "
    "workspace only, so leave PARADIME_WORKSPACE_UID (--workspace-uid) unset or name that one",
    "account_api_key": "check the account API key in PARADIME_API_SECRET and the workspace in "
    "PARADIME_WORKSPACE_UID (or --workspace-uid): the key needs access to that workspace",
}


def classify(exc: BaseException, *, config: ClientConfig | None = None) -> Failure:
    """The exit code and message for anything a command raised; `config` (the command's client
    settings, when it built one) lets a refusal name the kind of credential."""
    import paradime_bolt as bolt

    kind = type(exc).__name__
    if isinstance(exc, CliError):
        return Failure(exc.exit_code, kind, _with_hint(exc.message, exc.hint))
    if isinstance(exc, KeyboardInterrupt):
        what, code = interruption(exc)
        return Failure(code, kind, (what,))
    if isinstance(exc, bolt.RunFailedError):
        return Failure(ExitCode.RUN_FAILED, kind, tuple(failure_report(exc)))
    if isinstance(exc, bolt.RunTimeoutError):
        hint = (
            None
            if exc.canceled
            else f"the run may still be going: `paradime-bolt runs cancel {exc.run_id}` cancels "
            "it, and --cancel-on-timeout does so when waiting times out"
        )
        return Failure(ExitCode.TIMED_OUT, kind, _with_hint(str(exc), hint))
    if isinstance(exc, bolt.APIUnreachableError):
        hint = (
            f"`paradime-bolt runs wait {exc.run_id}` takes the wait up again; "
            "--outage-tolerance waits longer for the API"
        )
        return Failure(ExitCode.API, kind, _with_hint(str(exc), hint))
    if isinstance(exc, bolt.ClientClosedError):
        return Failure(ExitCode.CONFIGURATION, kind, (str(exc),))
    if isinstance(exc, bolt.ConfigurationError):
        return Failure(
            ExitCode.CONFIGURATION,
            kind,
            _with_hint(str(exc), _CONFIGURATION_HINT),
        )
    if isinstance(exc, bolt.StorageError):
        return Failure(ExitCode.API, kind, _with_hint(str(exc), _storage_hint(exc)))
    if isinstance(exc, bolt.DestinationError):
        return Failure(
            ExitCode.API,
            kind,
            _with_hint(str(exc), "choose a destination you can write to with -o DEST"),
        )
    if isinstance(exc, bolt.AuthenticationError):
        what = "the credentials" if config is None else config.describe_credential()
        hint = _REFUSED_HINTS["api_key_pair" if config is None else config.credential.value]
        return Failure(
            ExitCode.CONFIGURATION,
            kind,
            _with_hint(f"the API refused {what} (HTTP {exc.status_code})", hint),
        )
    if isinstance(exc, bolt.InvalidArgumentError):
        return Failure(ExitCode.USAGE, kind, (str(exc),))
    if isinstance(exc, bolt.NotFoundError):
        return Failure(ExitCode.API, kind, _with_hint(str(exc), _NOT_FOUND_HINTS.get(exc.kind)))
    if isinstance(exc, bolt.OperationFailedError):
        return Failure(
            ExitCode.API,
            kind,
            _with_hint(str(exc), _OPERATION_FAILED_HINTS.get(exc.operation or "")),
        )
    if isinstance(exc, bolt.AlreadyRunningError):
        return Failure(
            ExitCode.API,
            kind,
            _with_hint(str(exc), "wait for the schedule's current run, or cancel it"),
        )
    if isinstance(exc, bolt.BoltError):  # APIError, ArtifactNotFoundError and the rest
        return Failure(ExitCode.API, kind, (str(exc),))
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return Failure(ExitCode.API, kind, (f"{exc.strerror or exc}{where}",))
    return Failure(
        ExitCode.API,
        kind,
        (f"unexpected error: {kind}: {exc}", "run with --verbose for the traceback"),
        unexpected=True,
    )


def _storage_hint(exc: StorageError) -> str:
    """What to do when the storage behind a download URL refused it (no API key was sent)."""
    if exc.expired:
        return (
            "the download URL had expired again when a fresh one was tried; run the command "
            "again (download URLs are short-lived; your API credentials are not involved)"
        )
    if 400 <= exc.status_code < 500:
        return (
            "the file storage refused the download URL (the file may have been removed); "
            "your API credentials are not involved"
        )
    return "the file storage failed; try again later"


def interruption(exc: KeyboardInterrupt) -> tuple[str, ExitCode]:
    """What stopped the command (`interrupted`, `terminated (SIGTERM)`) and its exit code."""
    if isinstance(exc, Terminated):
        return "terminated (SIGTERM)", ExitCode.TERMINATED
    return "interrupted", ExitCode.INTERRUPTED


def _with_hint(message: str, hint: str | None) -> tuple[str, ...]:
    return (message,) if not hint else (message, f"hint: {hint}")


def failure_report(exc: RunFailedError) -> list[str]:
    """What a failed run's CI log needs: the run, the failing command, its output's tail."""
    lines = [f"run {exc.run_id} ended {exc.state or 'in an unknown state'}"]
    if exc.command is None:
        lines.append("no command failed (the run was cancelled or failed before its commands)")
        return lines
    lines.append(f"failing command: {exc.command} (return code {exc.return_code})")
    stream, output = ("stderr", exc.stderr_tail) if exc.stderr_tail else ("stdout", exc.stdout_tail)
    if not output:
        lines.append("it wrote nothing to stderr or stdout")
        return lines
    count = len(output.splitlines())
    lines.append(f"--- last {count} line(s) of its {stream} ---")
    lines.extend(output.splitlines())
    lines.append(f"--- end of {stream} ---")
    return lines


def report_exception(
    exc: BaseException, output: Output, *, config: ClientConfig | None = None
) -> ExitCode:
    """Tells the user what went wrong (stderr; with --json also one document on stdout, unless
    the command wrote its own) and returns the exit code."""
    failure = classify(exc, config=config)
    if failure.unexpected:
        import logging  # only here: `--help` and the expected failures do not load it

        logging.getLogger("paradime_bolt.cli").debug(
            "traceback of the unexpected error", exc_info=exc
        )
    if output.json_mode and not output.document_written:
        output.document(
            {
                "error": {
                    "type": failure.kind,
                    "message": failure.message,
                    "exit_code": int(failure.exit_code),
                }
            }
        )
    output.error(failure.lines)
    return failure.exit_code


def exit_code_of(value: Any) -> int:
    """An exit code from `sys.exit`'s argument (None is 0, text is 1)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return 1
