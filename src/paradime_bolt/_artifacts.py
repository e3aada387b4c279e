"""Artifacts: which command of a run to look in for a path, and writing downloads atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from .models import RunProgressCommand

__all__ = [
    "Artifact",
    "atomic_file",
    "default_artifacts",
    "is_infrastructure",
    "rank_commands",
    "target_path",
]

CommandT = TypeVar("CommandT", bound="RunProgressCommand")

_INFRASTRUCTURE_PREFIXES = (
    "git clone",
    "git checkout",
    "git pull",
    "dbt deps",
    "dbt clean",
    "dbt debug",
    "pip install",
    "poetry install",
    "npm install",
)


@dataclass(frozen=True)
class Artifact:
    """A resource found among a run's commands: where it is, and the command that wrote it."""

    resource_id: int
    path: str
    command_id: int
    command: str
    return_code: int | None


def is_infrastructure(command: str) -> bool:
    """Bolt's set-up steps (git clone, dbt deps, installs): they produce no dbt artifacts."""
    text = " ".join(command.split()).lower()
    return text.startswith(_INFRASTRUCTURE_PREFIXES)


def _rank(command: str, command_id: int) -> tuple[int, int]:
    """Where a command stands when looking for an artifact: dbt commands first, then the latest
    first, whatever the return code (a failed `dbt test` writes the run_results.json the run
    ended with)."""
    is_dbt = " ".join(command.split()).lower().startswith("dbt ")
    return (0 if is_dbt else 1, -command_id)


def rank_commands(commands: Sequence[CommandT]) -> list[CommandT]:
    """Where to look for an artifact, best first: the dbt commands, latest first; then the
    other commands, latest first. Set-up commands are left out."""
    kept = (c for c in commands if not is_infrastructure(c.command))
    return sorted(kept, key=lambda c: _rank(c.command, c.id))


def default_artifacts(artifacts: Iterable[Artifact]) -> dict[str, Artifact]:
    """For each path, the artifact `find_artifact` takes without `command_id=`: that of the
    best-ranked command that wrote it (`rank_commands`). A path only set-up commands wrote has
    none.

        defaults = default_artifacts(bolt.list_artifacts(run_id))
        defaults["target/run_results.json"].command   # "dbt test", say
    """
    chosen: dict[str, Artifact] = {}
    for artifact in artifacts:
        if is_infrastructure(artifact.command):
            continue
        best = chosen.get(artifact.path)
        rank = _rank(artifact.command, artifact.command_id)
        if best is None or rank < _rank(best.command, best.command_id):
            chosen[artifact.path] = artifact
    return chosen


def target_path(dest: str | os.PathLike[str], url: str) -> Path:
    """`dest` itself, or, when it is a directory (an existing one, or a path ending with a
    separator), the file named by the URL's last segment inside it."""
    path = Path(dest)
    if path.is_dir() or os.fspath(dest).endswith(("/", os.sep)):
        name = Path(unquote(urlsplit(url).path)).name or "resource"
        return path / name
    return path


@contextlib.contextmanager
def atomic_file(dest: Path) -> Iterator[IO[bytes]]:
    """A temporary file beside `dest`, renamed over it only if the block completes."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
        dir=dest.parent, prefix=f".{dest.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # NamedTemporaryFile creates the file 0600; give it the mode a plain open() would.
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
